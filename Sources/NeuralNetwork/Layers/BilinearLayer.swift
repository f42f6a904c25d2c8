import LinearAlgebra

/// A layer y = B(W, x) + b whose map B is linear in the weights W and in the input x separately:
/// the dense layer (B = xWᵀ) and the convolution. Its Taylor rules follow from bilinearity alone
/// (docs/THEORY.md §7), so they are written once here; a conforming layer supplies B and its two
/// adjoints, each `y ← α·(…) + β·y`:
/// - `apply`: B(W, x);
/// - `adjointInput`: Bₓᵀ(W, dy), the input's vector-Jacobian product;
/// - `adjointWeights`: B_Wᵀ(dy, x), the weights'.
///
/// With θ + εu (weights W + εV, bias b + εc) and x = x₀ + εx₁ + (ε²/2)x₂, Leibniz gives
///   y₁ = B(V, x₀) + B(W, x₁) + c,                 y₂ = B(W, x₂) + 2B(V, x₁),
///   dx₁ = Bₓᵀ(W, dy₁) + Bₓᵀ(V, dy₀),              dx₂ = Bₓᵀ(W, dy₂) + 2Bₓᵀ(V, dy₁),
///   (∂W)₁ = B_Wᵀ(dy₁, x₀) + B_Wᵀ(dy₀, x₁),        (∂W)₂ = B_Wᵀ(dy₂, x₀) + 2B_Wᵀ(dy₁, x₁) + B_Wᵀ(dy₀, x₂),
/// and (∂b)ₖ = Σ_rows dyₖ. The bias is added along the last axis of y viewed as
/// [`biasRows`, `biasLength`] (n rows for a dense layer, n·h·w pixels for a channels-last convolution).
protocol BilinearLayer: Layer {
    var weightOffset: Int { get }
    /// Offset of b in θ, nil for a layer without bias.
    var biasOffset: Int? { get }
    func apply(
        weights: UnsafePointer<Scalar>, x: UnsafePointer<Scalar>, y: UnsafeMutablePointer<Scalar>, alpha: Scalar,
        beta: Scalar)
    func adjointInput(
        weights: UnsafePointer<Scalar>, dy: UnsafePointer<Scalar>, dx: UnsafeMutablePointer<Scalar>, alpha: Scalar,
        beta: Scalar)
    func adjointWeights(
        dy: UnsafePointer<Scalar>, x: UnsafePointer<Scalar>, gradient: UnsafeMutablePointer<Scalar>, alpha: Scalar,
        beta: Scalar)
    /// y ← 1bᵀ: every row of y is b.
    func broadcastBias(_ b: UnsafePointer<Scalar>, into y: UnsafeMutablePointer<Scalar>)
    /// g ← Σ_rows dy (the bias gradient).
    func sumBias(_ dy: UnsafePointer<Scalar>, into g: UnsafeMutablePointer<Scalar>)
}

extension BilinearLayer {
    func forward(_ p: ParameterJets<Scalar>, x: UnsafePointer<Scalar>, y: UnsafeMutablePointer<Scalar>) {
        if let b = biasOffset { broadcastBias(p.theta + b, into: y) }
        apply(weights: p.theta + weightOffset, x: x, y: y, alpha: 1, beta: biasOffset == nil ? 0 : 1)
    }

    func backwardInput(
        _ p: ParameterJets<Scalar>, x: UnsafePointer<Scalar>, dy: UnsafePointer<Scalar>,
        dx: UnsafeMutablePointer<Scalar>, accumulate: Bool
    ) {
        adjointInput(weights: p.theta + weightOffset, dy: dy, dx: dx, alpha: 1, beta: accumulate ? 1 : 0)
    }

    func backwardParameters(_ p: ParameterJets<Scalar>, x: UnsafePointer<Scalar>, dy: UnsafePointer<Scalar>) {
        let g = p.order0!
        adjointWeights(dy: dy, x: x, gradient: g + weightOffset, alpha: 1, beta: 0)
        if let b = biasOffset { sumBias(dy, into: g + b) }
    }

    func taylorForward(_ p: ParameterJets<Scalar>, x: Jet<Scalar>, y: Jet<Scalar>) {
        let w = p.theta + weightOffset, v = p.direction! + weightOffset
        let y1 = y.c1!
        if let b = biasOffset { broadcastBias(p.direction! + b, into: y1) }
        apply(weights: v, x: x.c0, y: y1, alpha: 1, beta: biasOffset == nil ? 0 : 1)
        if let x1 = x.c1 { apply(weights: w, x: x1, y: y1, alpha: 1, beta: 1) }
        guard let y2 = y.c2 else { return }
        if let x1 = x.c1, let x2 = x.c2 {
            apply(weights: w, x: x2, y: y2, alpha: 1, beta: 0)
            apply(weights: v, x: x1, y: y2, alpha: 2, beta: 1)
        } else {
            y2.update(repeating: 0, count: outputCount)
        }
    }

    func taylorBackward(
        _ p: ParameterJets<Scalar>, x: Jet<Scalar>, dy: Jet<Scalar>, dx: Jet<Scalar>?, accumulate: Bool
    ) {
        let w = p.theta + weightOffset, v = p.direction! + weightOffset
        let dy0 = UnsafePointer(dy.c0), dy1 = UnsafePointer(dy.c1!)
        let g1 = p.order1!
        adjointWeights(dy: dy1, x: x.c0, gradient: g1 + weightOffset, alpha: 1, beta: 0)
        if let x1 = x.c1 { adjointWeights(dy: dy0, x: x1, gradient: g1 + weightOffset, alpha: 1, beta: 1) }
        if let b = biasOffset { sumBias(dy1, into: g1 + b) }
        if let dy2 = dy.c2, let g2 = p.order2 {
            adjointWeights(dy: dy2, x: x.c0, gradient: g2 + weightOffset, alpha: 1, beta: 0)
            if let x1 = x.c1, let x2 = x.c2 {
                adjointWeights(dy: dy1, x: x1, gradient: g2 + weightOffset, alpha: 2, beta: 1)
                adjointWeights(dy: dy0, x: x2, gradient: g2 + weightOffset, alpha: 1, beta: 1)
            }
            if let b = biasOffset { sumBias(dy2, into: g2 + b) }
        }
        guard let dx else { return }
        let beta: Scalar = accumulate ? 1 : 0
        adjointInput(weights: w, dy: dy1, dx: dx.c1!, alpha: 1, beta: beta)
        adjointInput(weights: v, dy: dy0, dx: dx.c1!, alpha: 1, beta: 1)
        if let dy2 = dy.c2, let dx2 = dx.c2 {
            adjointInput(weights: w, dy: dy2, dx: dx2, alpha: 1, beta: beta)
            adjointInput(weights: v, dy: dy1, dx: dx2, alpha: 2, beta: 1)
        }
    }
}
