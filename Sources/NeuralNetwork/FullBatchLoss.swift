import LinearAlgebra

/// The full-batch training loss L(θ) = (1/n) Σᵢ ℓ(f_θ(xᵢ), yᵢ) of a `MultilayerPerceptron`, with
/// exact derivatives up to third order (docs/THEORY.md §7):
/// - ∇L by backpropagation;
/// - ∇²L·v and ∇³L[u, u] by one forward-mode (Taylor) pass over the backward pass: with
///   θ(ε) = θ + εu every quantity becomes x(ε) = x₀ + εx₁ + (ε²/2)x₂, and the gradient of the
///   pass, ∇L(θ + εu) = g₀ + εg₁ + (ε²/2)g₂, gives g₁ = ∇²L·u and g₂ = ∇³L[u, u].
///
/// Shape letters: n examples, d inputs, k outputs, layer l maps [n, inₗ] → [n, outₗ]; L layers.
/// Per layer: Z = A Wᵀ + 1bᵀ, A' = σ(Z) (no σ on the last layer); F = Z_L.
/// Products of Taylor series follow Leibniz: (ab)₁ = a₁b + ab₁, (ab)₂ = a₂b + 2a₁b₁ + ab₂,
/// and σ(Z)₁ = σ'Z₁, σ(Z)₂ = σ''Z₁² + σ'Z₂.
///
/// The work done at the last θ (forward pass, backward pass) is cached: repeated
/// Hessian-vector products at one point (an eigen-solve) only run the first-order pass.
/// Not thread-safe: one instance per thread. The public entry points carry `@_specialize` for
/// Float and Double: without it a caller in another module runs the unspecialized generic code,
/// whose elementwise loops are ~10× slower (measured on the digits MLP).
public final class FullBatchLoss<T: BLASScalar> {
    public let network: MultilayerPerceptron
    public let lossFunction: LossFunction
    /// n, the number of examples.
    public let count: Int
    private let inputs: [T]  // X [n, d]
    private let targets: [T]  // Y [n, k]

    /// The θ of the cached passes, copied into our own buffer (holding the caller's array would
    /// make the caller's next in-place update copy it).
    private let theta: Workspace<T>
    private var forwardIsCurrent = false
    private var deltasAreCurrent = false
    private var gradientIsCurrent = false
    private var higherDerivativesAreCurrent = false
    private var lossAtOutputs: LossAtOutputs<T>?

    // Order 0, per layer l: Z [n, outₗ]; for hidden layers A = σ(Z), σ'(Z), ∂L/∂A, and
    // σ''(Z), σ'''(Z) (filled by the first Taylor pass at θ); δ = ∂L/∂Z for every layer.
    private let z0: [Workspace<T>], a0: [Workspace<T>]
    private let sigma1: [Workspace<T>], sigma2: [Workspace<T>], sigma3: [Workspace<T>]
    private let delta0: [Workspace<T>], gradA0: [Workspace<T>]
    private let gradient0: Workspace<T>
    // Order 1 of the directional pass.
    private let z1: [Workspace<T>], a1: [Workspace<T>], delta1: [Workspace<T>], gradA1: [Workspace<T>]
    /// Order 2, allocated by the first ∇³L request: a run that only needs gradients and
    /// Hessian-vector products never holds these 4 buffers per layer.
    private var secondOrder: SecondOrderBuffers?

    /// Z₂, A₂, δ₂ and (∂L/∂A)₂ per layer, shaped as the order-0 buffers.
    private struct SecondOrderBuffers {
        let z2: [Workspace<T>], a2: [Workspace<T>], delta2: [Workspace<T>], gradA2: [Workspace<T>]
    }

    /// - Parameters:
    ///   - inputs: X, [n, d] with d = `network.inputDimension`.
    ///   - targets: Y, [n, k] with k = `network.outputDimension` (one-hot, or ±1 for logistic).
    public init(network: MultilayerPerceptron, loss: LossFunction, inputs: Matrix<T>, targets: Matrix<T>) {
        precondition(
            inputs.columns == network.inputDimension,
            "inputs are [\(inputs.rows), \(inputs.columns)], the network takes \(network.inputDimension) features")
        precondition(
            targets.rows == inputs.rows && targets.columns == network.outputDimension,
            "targets are [\(targets.rows), \(targets.columns)], expected [\(inputs.rows), \(network.outputDimension)]")
        precondition(loss != .logistic || network.outputDimension == 1, "logistic loss needs one output")
        precondition(inputs.rows >= 1, "the batch is empty")
        self.network = network
        self.lossFunction = loss
        self.count = inputs.rows
        self.inputs = inputs.storage
        self.targets = targets.storage
        let n = inputs.rows
        func perLayer(_ hiddenOnly: Bool) -> [Workspace<T>] { Self.layerBuffers(network, examples: n, hiddenOnly: hiddenOnly) }
        z0 = perLayer(false); a0 = perLayer(true)
        sigma1 = perLayer(true); sigma2 = perLayer(true); sigma3 = perLayer(true)
        delta0 = perLayer(false); gradA0 = perLayer(true)
        gradient0 = Workspace(count: network.layout.count)
        theta = Workspace(count: network.layout.count)
        z1 = perLayer(false); a1 = perLayer(true); delta1 = perLayer(false); gradA1 = perLayer(true)
    }

    /// One buffer per layer l of [n, outₗ] entries (empty for the output layer when `hiddenOnly`).
    private static func layerBuffers(_ network: MultilayerPerceptron, examples n: Int, hiddenOnly: Bool) -> [Workspace<T>] {
        let layers = network.layout.layers
        return layers.map { l in Workspace(count: (hiddenOnly && l.index == layers.count - 1) ? 0 : n * l.outputs) }
    }

    /// The order-2 buffers, allocated on first use.
    private func secondOrderBuffers() -> SecondOrderBuffers {
        if let buffers = secondOrder { return buffers }
        func perLayer(_ hiddenOnly: Bool) -> [Workspace<T>] { Self.layerBuffers(network, examples: count, hiddenOnly: hiddenOnly) }
        let buffers = SecondOrderBuffers(z2: perLayer(false), a2: perLayer(true), delta2: perLayer(false), gradA2: perLayer(true))
        secondOrder = buffers
        return buffers
    }

    /// N, the number of parameters.
    public var dimension: Int { network.layout.count }

    /// L(θ)
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public func loss(at theta: [T]) -> T {
        prepareForward(theta)
        return lossAtOutputs!.value
    }

    /// (L(θ), ∇L(θ))
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public func lossAndGradient(at theta: [T]) -> (loss: T, gradient: [T]) {
        prepareGradient(theta)
        return (lossAtOutputs!.value, Array(gradient0.readOnly))
    }

    /// L(θ), writing ∇L(θ) into `gradient` ([N]) without allocating.
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public func lossAndGradient(at theta: [T], into gradient: inout [T]) -> T {
        precondition(gradient.count == dimension, "gradient has \(gradient.count) entries, the network \(dimension)")
        prepareGradient(theta)
        gradient.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: gradient0.readOnly) }
        return lossAtOutputs!.value
    }

    /// ∇²L(θ)·v
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public func hessianVectorProduct(at theta: [T], _ v: [T]) -> [T] {
        var hv = [T](repeating: 0, count: dimension)
        hessianVectorProduct(at: theta, v, into: &hv)
        return hv
    }

    /// ∇²L(θ)·v written into `result` ([N]) without allocating.
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public func hessianVectorProduct(at theta: [T], _ v: [T], into result: inout [T]) {
        precondition(result.count == dimension, "result has \(result.count) entries, the network \(dimension)")
        result.withUnsafeMutableBufferPointer { g1 in
            directionalDerivatives(at: theta, along: v, order: 1, hessianVector: g1.baseAddress!, thirdDerivative: nil)
        }
    }

    /// ∇³L(θ)[u, u]
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public func thirdDerivative(at theta: [T], _ u: [T]) -> [T] {
        hessianVectorProductAndThirdDerivative(at: theta, u).thirdDerivative
    }

    /// ∇²L(θ)·u and ∇³L(θ)[u, u] from one second-order pass.
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public func hessianVectorProductAndThirdDerivative(at theta: [T], _ u: [T]) -> (hessianVector: [T], thirdDerivative: [T]) {
        var hv = [T](repeating: 0, count: dimension)
        var third = [T](repeating: 0, count: dimension)
        hessianVectorProductAndThirdDerivative(at: theta, u, into: &hv, &third)
        return (hv, third)
    }

    /// ∇²L(θ)·u and ∇³L(θ)[u, u] written into `hessianVector` and `thirdDerivative` ([N] each)
    /// without allocating.
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public func hessianVectorProductAndThirdDerivative(
        at theta: [T], _ u: [T], into hessianVector: inout [T],
        _ thirdDerivative: inout [T]
    ) {
        precondition(
            hessianVector.count == dimension && thirdDerivative.count == dimension,
            "outputs have \(hessianVector.count) and \(thirdDerivative.count) entries, the network \(dimension)")
        hessianVector.withUnsafeMutableBufferPointer { g1 in
            thirdDerivative.withUnsafeMutableBufferPointer { g2 in
                directionalDerivatives(
                    at: theta, along: u, order: 2, hessianVector: g1.baseAddress!,
                    thirdDerivative: g2.baseAddress!)
            }
        }
    }

    /// Fraction of examples classified correctly: argmax f = argmax y, or sign f = sign y for one output.
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public func accuracy(at theta: [T]) -> T {
        prepareForward(theta)
        let f = z0[z0.count - 1].readOnly
        let k = network.outputDimension
        var correct = 0
        for i in 0..<count {
            if k == 1 {
                if f[i] * targets[i] > 0 { correct += 1 }
            } else {
                var best = 0, label = 0
                for j in 1..<k {
                    if f[i * k + j] > f[i * k + best] { best = j }
                    if targets[i * k + j] > targets[i * k + label] { label = j }
                }
                if best == label { correct += 1 }
            }
        }
        return T(correct) / T(count)
    }

    // MARK: - Order 0

    private func prepareForward(_ theta: [T]) {
        precondition(theta.count == dimension, "θ has \(theta.count) entries, the network \(dimension)")
        let cached = self.theta.pointer
        let same = theta.withUnsafeBufferPointer { th in
            (0..<th.count).allSatisfy { th[$0] == cached[$0] }
        }
        if forwardIsCurrent && same { return }
        theta.withUnsafeBufferPointer { _ = self.theta.buffer.update(fromContentsOf: $0) }
        forwardIsCurrent = false
        deltasAreCurrent = false
        gradientIsCurrent = false
        higherDerivativesAreCurrent = false
        let n = count
        let layers = network.layout.layers
        theta.withUnsafeBufferPointer { th in
            inputs.withUnsafeBufferPointer { x in
                for layer in layers {
                    let l = layer.index
                    let input = l == 0 ? x.baseAddress! : UnsafePointer(a0[l - 1].pointer)
                    let z = z0[l].pointer
                    for i in 0..<n { (z + i * layer.outputs).update(from: th.baseAddress! + layer.biasOffset, count: layer.outputs) }
                    T.gemm(
                        transposeA: false, transposeB: true, m: n, n: layer.outputs, k: layer.inputs,
                        alpha: 1, a: input, lda: layer.inputs, b: th.baseAddress! + layer.weightOffset, ldb: layer.inputs,
                        beta: 1, c: z, ldc: layer.outputs)
                    if l < layers.count - 1 {
                        network.activation.evaluate(z0[l].readOnly, value: a0[l].buffer, first: sigma1[l].buffer)
                    }
                }
            }
        }
        let last = layers.count - 1
        lossAtOutputs = targets.withUnsafeBufferPointer { y in
            LossAtOutputs(
                lossFunction, outputs: z0[last].readOnly, targets: y, n: n, k: network.outputDimension,
                gradient: delta0[last].buffer)
        }
        forwardIsCurrent = true
    }

    /// The backward pass without the parameter gradient: ∂L/∂A and δ = ∂L/∂Z of every layer,
    /// all the Taylor pass needs (a Hessian-vector product at a new θ skips δᵀA, the largest
    /// product of the gradient).
    private func prepareDeltas(_ theta: [T]) {
        prepareForward(theta)
        if deltasAreCurrent { return }
        let n = count
        theta.withUnsafeBufferPointer { th in
            for layer in network.layout.layers.reversed() where layer.index > 0 {
                let l = layer.index
                // ∂L/∂A = δW, then δ_{l−1} = ∂L/∂A ⊙ σ'(Z)
                T.gemm(
                    transposeA: false, transposeB: false, m: n, n: layer.inputs, k: layer.outputs,
                    alpha: 1, a: delta0[l].pointer, lda: layer.outputs, b: th.baseAddress! + layer.weightOffset, ldb: layer.inputs,
                    beta: 0, c: gradA0[l - 1].pointer, ldc: layer.inputs)
                let ga = gradA0[l - 1].pointer, s1 = sigma1[l - 1].pointer, d = delta0[l - 1].pointer
                for i in 0..<(n * layer.inputs) { d[i] = ga[i] * s1[i] }
            }
        }
        deltasAreCurrent = true
    }

    /// ∇L: ∂L/∂W = δᵀA and ∂L/∂b = δᵀ1 of every layer.
    private func prepareGradient(_ theta: [T]) {
        prepareDeltas(theta)
        if gradientIsCurrent { return }
        let n = count
        let g = gradient0.pointer
        inputs.withUnsafeBufferPointer { x in
            for layer in network.layout.layers {
                let l = layer.index
                let input = l == 0 ? x.baseAddress! : UnsafePointer(a0[l - 1].pointer)
                let delta = UnsafePointer(delta0[l].pointer)
                T.gemm(
                    transposeA: true, transposeB: false, m: layer.outputs, n: layer.inputs, k: n,
                    alpha: 1, a: delta, lda: layer.outputs, b: input, ldb: layer.inputs,
                    beta: 0, c: g + layer.weightOffset, ldc: layer.inputs)
                columnSums(delta, rows: n, columns: layer.outputs, into: g + layer.biasOffset)
            }
        }
        gradientIsCurrent = true
    }

    // MARK: - Orders 1 and 2

    /// σ''(Z) and σ'''(Z) of every hidden layer at the cached θ, once per θ.
    private func prepareHigherDerivatives() {
        if higherDerivativesAreCurrent { return }
        for l in 0..<(network.layout.layers.count - 1) {
            network.activation.evaluateHigher(
                z0[l].readOnly, value: a0[l].readOnly,
                second: sigma2[l].buffer, third: sigma3[l].buffer)
        }
        higherDerivativesAreCurrent = true
    }

    /// The Taylor pass along u: writes g₁ = ∇²L·u and, for order 2, g₂ = ∇³L[u, u] ([N] each).
    private func directionalDerivatives(
        at theta: [T], along u: [T], order: Int,
        hessianVector g1: UnsafeMutablePointer<T>,
        thirdDerivative g2: UnsafeMutablePointer<T>?
    ) {
        precondition(u.count == dimension, "direction has \(u.count) entries, the network \(dimension)")
        precondition(order == 1 || g2 != nil, "a second-order pass needs an output for ∇³L[u, u]")
        prepareDeltas(theta)
        prepareHigherDerivatives()
        let n = count
        let layers = network.layout.layers
        let last = layers.count - 1
        let g1p = UnsafeMutableBufferPointer(start: g1, count: dimension)
        let g2p = UnsafeMutableBufferPointer(start: g2, count: order >= 2 ? dimension : 0)
        // Order 1 reads none of the order-2 buffers: there they alias order 1's, never touched.
        let second = order >= 2 ? secondOrderBuffers() : SecondOrderBuffers(z2: z1, a2: a1, delta2: delta1, gradA2: gradA1)
        let z2 = second.z2, a2 = second.a2, delta2 = second.delta2, gradA2 = second.gradA2
        theta.withUnsafeBufferPointer { th in
            u.withUnsafeBufferPointer { uu in
                inputs.withUnsafeBufferPointer { x in
                    let w = { (layer: ParameterLayout.Layer) in th.baseAddress! + layer.weightOffset }
                    let v = { (layer: ParameterLayout.Layer) in uu.baseAddress! + layer.weightOffset }
                    // Forward: Z₁ = A₁Wᵀ + A₀Vᵀ + 1cᵀ, Z₂ = A₂Wᵀ + 2A₁Vᵀ (the input X and θ's own
                    // second coefficient are constant, so layer 0 has A₁ = A₂ = 0 below it).
                    for layer in layers {
                        let l = layer.index, o = layer.outputs, i = layer.inputs
                        let input0 = l == 0 ? x.baseAddress! : UnsafePointer(a0[l - 1].pointer)
                        let zz1 = z1[l].pointer
                        for r in 0..<n { (zz1 + r * o).update(from: uu.baseAddress! + layer.biasOffset, count: o) }
                        T.gemm(
                            transposeA: false, transposeB: true, m: n, n: o, k: i, alpha: 1, a: input0, lda: i,
                            b: v(layer), ldb: i, beta: 1, c: zz1, ldc: o)
                        if l > 0 {
                            T.gemm(
                                transposeA: false, transposeB: true, m: n, n: o, k: i, alpha: 1, a: a1[l - 1].pointer, lda: i,
                                b: w(layer), ldb: i, beta: 1, c: zz1, ldc: o)
                        }
                        if order >= 2 {
                            let zz2 = z2[l].pointer
                            if l == 0 {
                                zz2.update(repeating: 0, count: n * o)
                            } else {
                                T.gemm(
                                    transposeA: false, transposeB: true, m: n, n: o, k: i, alpha: 1, a: a2[l - 1].pointer, lda: i,
                                    b: w(layer), ldb: i, beta: 0, c: zz2, ldc: o)
                                T.gemm(
                                    transposeA: false, transposeB: true, m: n, n: o, k: i, alpha: 2, a: a1[l - 1].pointer, lda: i,
                                    b: v(layer), ldb: i, beta: 1, c: zz2, ldc: o)
                            }
                        }
                        if l < last {
                            let s1 = sigma1[l].pointer, s2 = sigma2[l].pointer
                            let aa1 = a1[l].pointer, zz2 = z2[l].pointer, aa2 = a2[l].pointer
                            for e in 0..<(n * o) {
                                aa1[e] = s1[e] * zz1[e]
                                if order >= 2 { aa2[e] = s2[e] * zz1[e] * zz1[e] + s1[e] * zz2[e] }
                            }
                        }
                    }
                    // Output: δ₁ = ∇²ℓ[F₁], δ₂ = ∇²ℓ[F₂] + ∇³ℓ[F₁, F₁].
                    lossAtOutputs!.directional(z1[last].readOnly, thirdOrderAlong: nil, into: delta1[last].buffer)
                    if order >= 2 {
                        lossAtOutputs!.directional(z2[last].readOnly, thirdOrderAlong: z1[last].readOnly, into: delta2[last].buffer)
                    }
                    // Backward.
                    for layer in layers.reversed() {
                        let l = layer.index, o = layer.outputs, i = layer.inputs
                        let input0 = l == 0 ? x.baseAddress! : UnsafePointer(a0[l - 1].pointer)
                        let d0 = UnsafePointer(delta0[l].pointer), d1 = UnsafePointer(delta1[l].pointer)
                        let gw1 = g1p.baseAddress! + layer.weightOffset
                        // (∂L/∂W)₁ = δ₁ᵀA₀ + δ₀ᵀA₁
                        T.gemm(
                            transposeA: true, transposeB: false, m: o, n: i, k: n, alpha: 1, a: d1, lda: o,
                            b: input0, ldb: i, beta: 0, c: gw1, ldc: i)
                        if l > 0 {
                            T.gemm(
                                transposeA: true, transposeB: false, m: o, n: i, k: n, alpha: 1, a: d0, lda: o,
                                b: a1[l - 1].pointer, ldb: i, beta: 1, c: gw1, ldc: i)
                        }
                        columnSums(d1, rows: n, columns: o, into: g1p.baseAddress! + layer.biasOffset)
                        if order >= 2 {
                            // (∂L/∂W)₂ = δ₂ᵀA₀ + 2δ₁ᵀA₁ + δ₀ᵀA₂
                            let d2 = UnsafePointer(delta2[l].pointer)
                            let gw2 = g2p.baseAddress! + layer.weightOffset
                            T.gemm(
                                transposeA: true, transposeB: false, m: o, n: i, k: n, alpha: 1, a: d2, lda: o,
                                b: input0, ldb: i, beta: 0, c: gw2, ldc: i)
                            if l > 0 {
                                T.gemm(
                                    transposeA: true, transposeB: false, m: o, n: i, k: n, alpha: 2, a: d1, lda: o,
                                    b: a1[l - 1].pointer, ldb: i, beta: 1, c: gw2, ldc: i)
                                T.gemm(
                                    transposeA: true, transposeB: false, m: o, n: i, k: n, alpha: 1, a: d0, lda: o,
                                    b: a2[l - 1].pointer, ldb: i, beta: 1, c: gw2, ldc: i)
                            }
                            columnSums(d2, rows: n, columns: o, into: g2p.baseAddress! + layer.biasOffset)
                        }
                        guard l > 0 else { continue }
                        // (∂L/∂A)₁ = δ₁W + δ₀V;  (∂L/∂A)₂ = δ₂W + 2δ₁V
                        let ga1 = gradA1[l - 1].pointer
                        T.gemm(
                            transposeA: false, transposeB: false, m: n, n: i, k: o, alpha: 1, a: d1, lda: o,
                            b: w(layer), ldb: i, beta: 0, c: ga1, ldc: i)
                        T.gemm(
                            transposeA: false, transposeB: false, m: n, n: i, k: o, alpha: 1, a: d0, lda: o,
                            b: v(layer), ldb: i, beta: 1, c: ga1, ldc: i)
                        let ga2 = gradA2[l - 1].pointer
                        if order >= 2 {
                            T.gemm(
                                transposeA: false, transposeB: false, m: n, n: i, k: o, alpha: 1, a: delta2[l].pointer, lda: o,
                                b: w(layer), ldb: i, beta: 0, c: ga2, ldc: i)
                            T.gemm(
                                transposeA: false, transposeB: false, m: n, n: i, k: o, alpha: 2, a: d1, lda: o,
                                b: v(layer), ldb: i, beta: 1, c: ga2, ldc: i)
                        }
                        // δ = ∂L/∂A ⊙ σ'(Z) with σ'(Z)₁ = σ''Z₁ and σ'(Z)₂ = σ'''Z₁² + σ''Z₂.
                        let ga0 = gradA0[l - 1].pointer
                        let s1 = sigma1[l - 1].pointer, s2 = sigma2[l - 1].pointer, s3 = sigma3[l - 1].pointer
                        let zz1 = z1[l - 1].pointer, zz2 = z2[l - 1].pointer
                        let dd1 = delta1[l - 1].pointer, dd2 = delta2[l - 1].pointer
                        for e in 0..<(n * i) {
                            let sp1 = s2[e] * zz1[e]
                            dd1[e] = ga1[e] * s1[e] + ga0[e] * sp1
                            if order >= 2 {
                                let sp2 = s3[e] * zz1[e] * zz1[e] + s2[e] * zz2[e]
                                dd2[e] = ga2[e] * s1[e] + 2 * ga1[e] * sp1 + ga0[e] * sp2
                            }
                        }
                    }
                }
            }
        }
    }
}

/// out[j] ← Σᵢ m[i, j] for row-major m: [rows, columns] (the bias gradient δᵀ1).
@inline(__always)
private func columnSums<T: BLASScalar>(_ m: UnsafePointer<T>, rows: Int, columns: Int, into out: UnsafeMutablePointer<T>) {
    out.update(repeating: 0, count: columns)
    for i in 0..<rows {
        let row = m + i * columns
        for j in 0..<columns { out[j] += row[j] }
    }
}
