import LinearAlgebra

/// A parameter-free layer y = P x linear in its input (pooling, flattening, averaging over
/// positions). Its Taylor coefficients are the map applied to each coefficient, yₖ = P xₖ and
/// dxₖ = Pᵀ dyₖ (k = 0, 1, 2), so a conforming layer supplies only P and Pᵀ. A max pool is
/// linear once its winners are fixed by the order-0 pass (the branch PyTorch differentiates).
protocol LinearLayer: Layer {
    /// y ← P x.
    func apply(_ x: UnsafePointer<Scalar>, into y: UnsafeMutablePointer<Scalar>)
    /// dx ← Pᵀ dy, or dx += Pᵀ dy when `accumulate`.
    func adjoint(_ dy: UnsafePointer<Scalar>, into dx: UnsafeMutablePointer<Scalar>, accumulate: Bool)
}

extension LinearLayer {
    func forward(_ p: ParameterJets<Scalar>, x: UnsafePointer<Scalar>, y: UnsafeMutablePointer<Scalar>) {
        apply(x, into: y)
    }

    func backwardInput(
        _ p: ParameterJets<Scalar>, x: UnsafePointer<Scalar>, dy: UnsafePointer<Scalar>,
        dx: UnsafeMutablePointer<Scalar>, accumulate: Bool
    ) {
        adjoint(dy, into: dx, accumulate: accumulate)
    }

    func taylorForward(_ p: ParameterJets<Scalar>, x: Jet<Scalar>, y: Jet<Scalar>) {
        if let x1 = x.c1 { apply(x1, into: y.c1!) } else { y.c1!.update(repeating: 0, count: outputCount) }
        guard let y2 = y.c2 else { return }
        if let x2 = x.c2 { apply(x2, into: y2) } else { y2.update(repeating: 0, count: outputCount) }
    }

    func taylorBackward(
        _ p: ParameterJets<Scalar>, x: Jet<Scalar>, dy: Jet<Scalar>, dx: Jet<Scalar>?, accumulate: Bool
    ) {
        guard let dx else { return }
        adjoint(dy.c1!, into: dx.c1!, accumulate: accumulate)
        if let dy2 = dy.c2, let dx2 = dx.c2 { adjoint(dy2, into: dx2, accumulate: accumulate) }
    }
}
