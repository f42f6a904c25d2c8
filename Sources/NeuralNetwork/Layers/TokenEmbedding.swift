import LinearAlgebra

/// The transformer's input: `nn.Embedding(vocab, d)` plus the learned position table,
/// h[i, t] = E[xᵢₜ] + P[t] for token ids x [n, T] (exact integers in the float type), with
/// E [vocab, d] and P [T, d]; h is [n, T, d]. The ids are data, so there is no input
/// derivative, and h is linear in (E, P): its Taylor coefficients are h₁ = U_E[x] + U_P and
/// h₂ = 0, and every order's parameter derivative is the same scatter of dyₖ:
/// ∂E[v] = Σ_{xᵢₜ = v} dy[i, t], ∂P[t] = Σᵢ dy[i, t].
final class TokenEmbedding<T: BLASScalar>: Layer {
    typealias Scalar = T
    let examples: Int
    let length: Int
    let width: Int
    let vocabulary: Int
    let positionOffset: Int
    let embeddingOffset: Int
    var inputSize: Int { length }
    var outputSize: Int { length * width }

    init(examples: Int, length: Int, width: Int, vocabulary: Int, positionOffset: Int, embeddingOffset: Int) {
        self.examples = examples
        self.length = length
        self.width = width
        self.vocabulary = vocabulary
        self.positionOffset = positionOffset
        self.embeddingOffset = embeddingOffset
    }

    /// The id of token t of example i, checked against the vocabulary.
    @inline(__always)
    private func token(_ x: UnsafePointer<T>, _ e: Int) -> Int {
        let id = Int(x[e])
        precondition(id >= 0 && id < vocabulary && T(id) == x[e], "token \(x[e]) is not an id below the vocabulary \(vocabulary)")
        return id
    }

    /// y ← E[x] + P with (E, P) read at `parameters`.
    @inline(__always)
    private func embed(_ parameters: UnsafePointer<T>, _ x: UnsafePointer<T>, into y: UnsafeMutablePointer<T>) {
        let e = parameters + embeddingOffset, p = parameters + positionOffset
        for i in 0..<examples {
            for t in 0..<length {
                let row = e + token(x, i * length + t) * width, position = p + t * width
                let out = y + (i * length + t) * width
                for j in 0..<width { out[j] = row[j] + position[j] }
            }
        }
    }

    /// The scatter (∂E, ∂P) of dy into `gradient` (written).
    @inline(__always)
    private func scatter(_ dy: UnsafePointer<T>, _ x: UnsafePointer<T>, into gradient: UnsafeMutablePointer<T>) {
        let e = gradient + embeddingOffset, p = gradient + positionOffset
        e.update(repeating: 0, count: vocabulary * width)
        p.update(repeating: 0, count: length * width)
        for i in 0..<examples {
            for t in 0..<length {
                let row = e + token(x, i * length + t) * width, position = p + t * width
                let g = dy + (i * length + t) * width
                for j in 0..<width {
                    row[j] += g[j]
                    position[j] += g[j]
                }
            }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward(_ p: ParameterJets<T>, x: UnsafePointer<T>, y: UnsafeMutablePointer<T>) {
        embed(p.theta, x, into: y)
    }

    /// The ids are data: no layer asks for their gradient.
    func backwardInput(_ p: ParameterJets<T>, x: UnsafePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>, accumulate: Bool) {
        preconditionFailure("TokenEmbedding reads data; its input has no gradient")
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backwardParameters(_ p: ParameterJets<T>, x: UnsafePointer<T>, dy: UnsafePointer<T>) {
        scatter(dy, x, into: p.order0!)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func taylorForward(_ p: ParameterJets<T>, x: Jet<T>, y: Jet<T>) {
        embed(p.direction!, x.c0, into: y.c1!)
        y.c2?.update(repeating: 0, count: outputCount)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func taylorBackward(_ p: ParameterJets<T>, x: Jet<T>, dy: Jet<T>, dx: Jet<T>?, accumulate: Bool) {
        scatter(dy.c1!, x.c0, into: p.order1!)
        if let dy2 = dy.c2, let g2 = p.order2 { scatter(dy2, x.c0, into: g2) }
    }
}
