import LinearAlgebra

/// The elementwise nonlinearity y = σ(x) (docs/THEORY.md §8), any shape of `size` entries per
/// example. Caches σ'(x₀) with the forward pass and σ''(x₀), σ'''(x₀) once per θ for the Taylor
/// passes. With x = x₀ + εx₁ + (ε²/2)x₂:
///   y₁ = σ'x₁,  y₂ = σ''x₁² + σ'x₂;
/// and for the backward dx = dy ⊙ σ'(x), whose factor σ'(x) has coefficients σ''x₁ and
/// σ'''x₁² + σ''x₂:
///   dx₁ = dy₁σ' + dy₀σ''x₁,  dx₂ = dy₂σ' + 2dy₁σ''x₁ + dy₀(σ'''x₁² + σ''x₂).
final class ActivationLayer<T: BLASScalar>: Layer {
    typealias Scalar = T
    let activation: Activation
    let examples: Int
    let inputSize: Int
    var outputSize: Int { inputSize }
    private let first: Workspace<T>, second: Workspace<T>, third: Workspace<T>

    init(_ activation: Activation, examples: Int, size: Int) {
        self.activation = activation
        self.examples = examples
        self.inputSize = size
        first = Workspace(count: examples * size)
        second = Workspace(count: examples * size)
        third = Workspace(count: examples * size)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward(_ p: ParameterJets<T>, x: UnsafePointer<T>, y: UnsafeMutablePointer<T>) {
        activation.evaluate(
            UnsafeBufferPointer(start: x, count: inputCount), value: UnsafeMutableBufferPointer(start: y, count: outputCount),
            first: first.buffer)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backwardInput(_ p: ParameterJets<T>, x: UnsafePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>, accumulate: Bool) {
        let s1 = first.pointer
        if accumulate {
            for e in 0..<inputCount { dx[e] += dy[e] * s1[e] }
        } else {
            for e in 0..<inputCount { dx[e] = dy[e] * s1[e] }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func prepareTaylor(x: UnsafePointer<T>, y: UnsafePointer<T>) {
        activation.evaluateHigher(
            UnsafeBufferPointer(start: x, count: inputCount), value: UnsafeBufferPointer(start: y, count: outputCount),
            second: second.buffer, third: third.buffer)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func taylorForward(_ p: ParameterJets<T>, x: Jet<T>, y: Jet<T>) {
        let count = inputCount
        guard let x1 = x.c1 else {
            y.c1!.update(repeating: 0, count: count)
            y.c2?.update(repeating: 0, count: count)
            return
        }
        let s1 = first.pointer, s2 = second.pointer, y1 = y.c1!
        if let y2 = y.c2, let x2 = x.c2 {
            for e in 0..<count {
                y1[e] = s1[e] * x1[e]
                y2[e] = s2[e] * x1[e] * x1[e] + s1[e] * x2[e]
            }
        } else {
            for e in 0..<count { y1[e] = s1[e] * x1[e] }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func taylorBackward(_ p: ParameterJets<T>, x: Jet<T>, dy: Jet<T>, dx: Jet<T>?, accumulate: Bool) {
        guard let dx else { return }
        let count = inputCount
        let s1 = first.pointer, s2 = second.pointer, s3 = third.pointer
        let dy0 = dy.c0, dy1 = dy.c1!, dx1 = dx.c1!
        let dy2 = dy.c2, dx2 = dx.c2
        // Overwriting and accumulating variants of each rule: the overwriting one stores
        // without first clearing the target and reading it back (a pass over dx₁, dx₂ each).
        guard let x1 = x.c1 else {
            if accumulate {
                for e in 0..<count { dx1[e] += dy1[e] * s1[e] }
            } else {
                for e in 0..<count { dx1[e] = dy1[e] * s1[e] }
            }
            if let dy2, let dx2 {
                if accumulate {
                    for e in 0..<count { dx2[e] += dy2[e] * s1[e] }
                } else {
                    for e in 0..<count { dx2[e] = dy2[e] * s1[e] }
                }
            }
            return
        }
        if let dy2, let dx2, let x2 = x.c2 {
            if accumulate {
                for e in 0..<count {
                    let sp1 = s2[e] * x1[e]
                    let sp2 = s3[e] * x1[e] * x1[e] + s2[e] * x2[e]
                    dx1[e] += dy1[e] * s1[e] + dy0[e] * sp1
                    dx2[e] += dy2[e] * s1[e] + 2 * dy1[e] * sp1 + dy0[e] * sp2
                }
            } else {
                for e in 0..<count {
                    let sp1 = s2[e] * x1[e]
                    let sp2 = s3[e] * x1[e] * x1[e] + s2[e] * x2[e]
                    dx1[e] = dy1[e] * s1[e] + dy0[e] * sp1
                    dx2[e] = dy2[e] * s1[e] + 2 * dy1[e] * sp1 + dy0[e] * sp2
                }
            }
        } else if accumulate {
            for e in 0..<count {
                let sp1 = s2[e] * x1[e]
                dx1[e] += dy1[e] * s1[e] + dy0[e] * sp1
            }
        } else {
            for e in 0..<count {
                let sp1 = s2[e] * x1[e]
                dx1[e] = dy1[e] * s1[e] + dy0[e] * sp1
            }
        }
    }
}
