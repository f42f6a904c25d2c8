import LinearAlgebra

/// The full-batch training loss L(θ) = (1/n) Σᵢ ℓ(f_θ(xᵢ), yᵢ) of a `Network`, with exact
/// derivatives up to third order (docs/THEORY.md §7):
/// - ∇L by backpropagation through the network's layers;
/// - ∇²L·v and ∇³L[u, u] by one forward-mode (Taylor) pass over the backward pass: with
///   θ(ε) = θ + εu every value becomes x(ε) = x₀ + εx₁ + (ε²/2)x₂, and the gradient of the
///   pass, ∇L(θ + εu) = g₀ + εg₁ + (ε²/2)g₂, gives g₁ = ∇²L·u and g₂ = ∇³L[u, u].
/// Each layer carries its own forward, backward and Taylor rules (Layers/); this class runs
/// them over the graph: forward in order, backward in reverse, accumulating the gradient of a
/// value read by several layers (a residual block's input).
///
/// Shapes: n examples; value v holds [n, sizeᵥ] (value 0 the data, channels-last when the first
/// layer is a convolution); the output F is [n, k]; θ and every derivative [N].
///
/// The work done at the last θ (forward pass, backward pass) is cached: repeated
/// Hessian-vector products at one point (an eigen-solve) only run the first-order pass.
/// Not thread-safe: one instance per thread. The public entry points carry `@_specialize` for
/// Float and Double: without it a caller in another module runs the unspecialized generic code,
/// whose elementwise loops are ~10× slower (measured on the digits MLP).
public final class FullBatchLoss<T: BLASScalar> {
    public let network: Network
    public let lossFunction: LossFunction
    /// n, the number of examples.
    public let count: Int
    private let targets: [T]  // Y [n, k]
    /// One instance per node; nil for a residual join.
    private let layers: [(any Layer<T>)?]
    /// Per node and input slot: true when the input's gradient already holds another reader's
    /// share when this node's backward runs (it accumulates instead of overwriting).
    private let accumulates: [[Bool]]
    private let outputValue: Int
    private let scratch = Scratch<T>()

    /// The θ of the cached passes, copied into our own buffer (holding the caller's array would
    /// make the caller's next in-place update copy it).
    private let theta: Workspace<T>
    private var forwardIsCurrent = false
    private var deltasAreCurrent = false
    private var gradientIsCurrent = false
    private var higherDerivativesAreCurrent = false
    private var lossAtOutputs: LossAtOutputs<T>?

    /// Order 0: every value (value 0 is the data) and ∂L/∂value; ∇L.
    private let values0: [Workspace<T>], gradients0: [Workspace<T>]
    private let gradient0: Workspace<T>
    /// Order 1 of the directional pass.
    private let values1: [Workspace<T>], gradients1: [Workspace<T>]
    /// Order 2, allocated by the first ∇³L request: a run that only needs gradients and
    /// Hessian-vector products never holds them.
    private var secondOrder: (values: [Workspace<T>], gradients: [Workspace<T>])?

    /// - Parameters:
    ///   - inputs: X, [n, d] with d = `network.input.count`, each row an example in CHW order.
    ///   - targets: Y, [n, k] with k = `network.outputs` (one-hot, or ±1 for logistic).
    public init(network: Network, loss: LossFunction, inputs: Matrix<T>, targets: Matrix<T>) {
        precondition(
            inputs.columns == network.input.count,
            "inputs are [\(inputs.rows), \(inputs.columns)], the network takes \(network.input.count) features")
        precondition(
            targets.rows == inputs.rows && targets.columns == network.outputs,
            "targets are [\(targets.rows), \(targets.columns)], expected [\(inputs.rows), \(network.outputs)]")
        precondition(loss != .logistic || network.outputs == 1, "logistic loss needs one output")
        precondition(inputs.rows >= 1, "the batch is empty")
        self.network = network
        self.lossFunction = loss
        let n = inputs.rows
        self.count = n
        self.targets = targets.storage
        let data = Workspace<T>(count: n * network.input.count)
        if network.channelsLastInput {
            Self.channelsLast(inputs.storage, shape: network.input, into: data.pointer)
        } else {
            inputs.storage.withUnsafeBufferPointer { _ = data.buffer.update(fromContentsOf: $0) }
        }
        let sizes = network.valueSizes
        values0 = [data] + sizes.dropFirst().map { Workspace(count: n * $0) }
        gradients0 = [Workspace(count: 0)] + sizes.dropFirst().map { Workspace(count: n * $0) }
        values1 = [Workspace(count: 0)] + sizes.dropFirst().map { Workspace(count: n * $0) }
        gradients1 = [Workspace(count: 0)] + sizes.dropFirst().map { Workspace(count: n * $0) }
        gradient0 = Workspace(count: network.parameterCount)
        theta = Workspace(count: network.parameterCount)
        outputValue = network.nodes.last!.output
        let scratch = self.scratch
        layers = network.nodes.map { node in
            Self.layer(node.kind, examples: n * node.rows, activation: network.activation, scratch: scratch)
        }
        accumulates = network.nodes.enumerated().map { j, node in
            node.inputs.enumerated().map { s, v in
                network.nodes[(j + 1)...].contains { $0.inputs.contains(v) } || node.inputs[..<s].contains(v)
            }
        }
    }

    /// The layer instance of one node, for n examples (nil for a residual join).
    private static func layer(_ kind: Network.Node.Kind, examples n: Int, activation: Activation, scratch: Scratch<T>) -> (any Layer<T>)? {
        switch kind {
        case .dense(let inputs, let outputs, let weight, let bias):
            return Dense<T>(examples: n, inputs: inputs, outputs: outputs, weightOffset: weight, biasOffset: bias)
        case .conv(let input, let channels, let kernel, let stride, let padding, let weight, let bias):
            return Conv2d<T>(
                examples: n, input: input, outputChannels: channels, kernel: kernel, stride: stride, padding: padding,
                weightOffset: weight, biasOffset: bias, scratch: scratch)
        case .activation(let size): return ActivationLayer<T>(activation, examples: n, size: size)
        case .groupNorm(let shape, let groups, let weight, let bias):
            return GroupNorm<T>(examples: n, shape: shape, groups: groups, weightOffset: weight, biasOffset: bias)
        case .avgPool(let input): return AvgPool2d<T>(examples: n, input: input)
        case .maxPool(let input): return MaxPool2d<T>(examples: n, input: input)
        case .flatten(let input): return Flatten<T>(examples: n, input: input)
        case .globalAvgPool(let input): return GlobalAvgPool<T>(examples: n, input: input)
        case .tokenEmbedding(let vocabulary, let length, let width, let position, let embedding):
            return TokenEmbedding<T>(
                examples: n, length: length, width: width, vocabulary: vocabulary, positionOffset: position,
                embeddingOffset: embedding)
        case .attention(let length, let width, let heads):
            return Attention<T>(examples: n, length: length, width: width, heads: heads)
        case .add: return nil
        }
    }

    /// CHW rows → channels-last [n, H, W, C].
    private static func channelsLast(_ x: [T], shape: ImageShape, into out: UnsafeMutablePointer<T>) {
        let c = shape.channels, s = shape.pixels
        x.withUnsafeBufferPointer { x in
            for i in 0..<(x.count / shape.count) {
                let row = x.baseAddress! + i * shape.count, target = out + i * shape.count
                for p in 0..<s {
                    for ch in 0..<c { target[p * c + ch] = row[ch * s + p] }
                }
            }
        }
    }

    /// The order-2 buffers, allocated on first use.
    private func secondOrderBuffers() -> (values: [Workspace<T>], gradients: [Workspace<T>]) {
        if let buffers = secondOrder { return buffers }
        let sizes = network.valueSizes
        let buffers = (
            values: [Workspace<T>(count: 0)] + sizes.dropFirst().map { Workspace<T>(count: count * $0) },
            gradients: [Workspace<T>(count: 0)] + sizes.dropFirst().map { Workspace<T>(count: count * $0) }
        )
        secondOrder = buffers
        return buffers
    }

    /// N, the number of parameters.
    public var dimension: Int { network.parameterCount }

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
        let f = values0[outputValue].readOnly
        let k = network.outputs
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
        let p = ParameterJets<T>(theta: self.theta.pointer, direction: nil, order0: nil, order1: nil, order2: nil)
        for (node, layer) in zip(network.nodes, layers) {
            if let layer {
                layer.forward(p, x: values0[node.inputs[0]].pointer, y: values0[node.output].pointer)
            } else {
                ResidualAdd.forward(
                    values0[node.inputs[0]].pointer, values0[node.inputs[1]].pointer, into: values0[node.output].pointer,
                    count: values0[node.output].count)
            }
        }
        lossAtOutputs = targets.withUnsafeBufferPointer { y in
            LossAtOutputs(
                lossFunction, outputs: values0[outputValue].readOnly, targets: y, n: count, k: network.outputs,
                gradient: gradients0[outputValue].buffer)
        }
        forwardIsCurrent = true
    }

    /// The backward pass without the parameter gradient: ∂L/∂value of every value, all the
    /// Taylor pass needs (a Hessian-vector product at a new θ skips the parameter products).
    private func prepareDeltas(_ theta: [T]) {
        prepareForward(theta)
        if deltasAreCurrent { return }
        let p = ParameterJets<T>(theta: self.theta.pointer, direction: nil, order0: nil, order1: nil, order2: nil)
        for j in network.nodes.indices.reversed() {
            let node = network.nodes[j], dy = gradients0[node.output].pointer
            for (s, v) in node.inputs.enumerated() where v != 0 {
                if let layer = layers[j] {
                    layer.backwardInput(p, x: values0[v].pointer, dy: dy, dx: gradients0[v].pointer, accumulate: accumulates[j][s])
                } else {
                    ResidualAdd.backward(dy, into: gradients0[v].pointer, count: gradients0[v].count, accumulate: accumulates[j][s])
                }
            }
        }
        deltasAreCurrent = true
    }

    /// ∇L: every layer's (∂f/∂θ)ᵀ(∂L/∂y).
    private func prepareGradient(_ theta: [T]) {
        prepareDeltas(theta)
        if gradientIsCurrent { return }
        let p = ParameterJets<T>(theta: self.theta.pointer, direction: nil, order0: gradient0.pointer, order1: nil, order2: nil)
        for (node, layer) in zip(network.nodes, layers) {
            layer?.backwardParameters(p, x: values0[node.inputs[0]].pointer, dy: gradients0[node.output].pointer)
        }
        gradientIsCurrent = true
    }

    // MARK: - Orders 1 and 2

    /// The layers' per-θ Taylor caches (σ″ and σ‴ of the activations), once per θ.
    private func prepareHigherDerivatives() {
        if higherDerivativesAreCurrent { return }
        for (node, layer) in zip(network.nodes, layers) {
            layer?.prepareTaylor(x: values0[node.inputs[0]].pointer, y: values0[node.output].pointer)
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
        let second = order >= 2 ? secondOrderBuffers() : nil
        /// The jet of value v (the data are constant) and of its gradient.
        func value(_ v: Int) -> Jet<T> {
            v == 0
                ? Jet(c0: values0[0].pointer, c1: nil, c2: nil)
                : Jet(c0: values0[v].pointer, c1: values1[v].pointer, c2: second?.values[v].pointer)
        }
        func gradient(_ v: Int) -> Jet<T> {
            Jet(c0: gradients0[v].pointer, c1: gradients1[v].pointer, c2: second?.gradients[v].pointer)
        }
        u.withUnsafeBufferPointer { uu in
            let p = ParameterJets<T>(theta: self.theta.pointer, direction: uu.baseAddress!, order0: nil, order1: g1, order2: g2)
            // Forward: every value's coefficients 1 (and 2).
            for (node, layer) in zip(network.nodes, layers) {
                if let layer {
                    layer.taylorForward(p, x: value(node.inputs[0]), y: value(node.output))
                } else {
                    let a = value(node.inputs[0]), b = value(node.inputs[1]), y = value(node.output)
                    let size = values0[node.output].count
                    ResidualAdd.forward(a.c1, b.c1, into: y.c1!, count: size)
                    if let y2 = y.c2 { ResidualAdd.forward(a.c2, b.c2, into: y2, count: size) }
                }
            }
            // Output: g₁ = ∇²ℓ[F₁], g₂ = ∇²ℓ[F₂] + ∇³ℓ[F₁, F₁].
            let f1 = values1[outputValue].readOnly
            lossAtOutputs!.directional(f1, thirdOrderAlong: nil, into: gradients1[outputValue].buffer)
            if let second {
                lossAtOutputs!.directional(
                    second.values[outputValue].readOnly, thirdOrderAlong: f1, into: second.gradients[outputValue].buffer)
            }
            // Backward.
            for j in network.nodes.indices.reversed() {
                let node = network.nodes[j]
                if let layer = layers[j] {
                    let v = node.inputs[0]
                    layer.taylorBackward(
                        p, x: value(v), dy: gradient(node.output), dx: v == 0 ? nil : gradient(v), accumulate: accumulates[j][0])
                } else {
                    let dy = gradient(node.output), size = values0[node.output].count
                    for (s, v) in node.inputs.enumerated() where v != 0 {
                        let dx = gradient(v)
                        ResidualAdd.backward(dy.c1!, into: dx.c1!, count: size, accumulate: accumulates[j][s])
                        if let dy2 = dy.c2, let dx2 = dx.c2 {
                            ResidualAdd.backward(dy2, into: dx2, count: size, accumulate: accumulates[j][s])
                        }
                    }
                }
            }
        }
    }
}
