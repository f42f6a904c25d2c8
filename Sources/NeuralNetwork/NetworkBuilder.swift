/// Builds a `Network` module by module in the PyTorch module's state_dict order
/// (docs/ARCHITECTURES.md): every call appends the layer's parameters to θ and its node to the
/// graph, reading the current value and making the next one.
struct NetworkBuilder {
    let input: ImageShape
    let activation: Activation
    private(set) var parameters: [ParameterTensor] = []
    private(set) var nodes: [Network.Node] = []
    private(set) var valueSizes: [Int]
    private(set) var channelsLastInput = false
    /// The value the next layer reads, and its image shape (nil once flat).
    private var current = 0
    private var shape: ImageShape?

    init(input: ImageShape, activation: Activation) {
        self.input = input
        self.activation = activation
        valueSizes = [input.count]
        shape = input
    }

    // MARK: - Architectures

    /// `MLP`: flatten, then `depth` × (Linear → σ), Linear.
    mutating func buildMLP(depth: Int, width: Int, outputs: Int) throws(NetworkError) {
        guard depth >= 0 else { throw NetworkError(key: "model.depth", reason: "an mlp needs depth ≥ 0 hidden layers, got \(depth)") }
        guard width >= 1 else { throw NetworkError(key: "model.width", reason: "width must be ≥ 1, got \(width)") }
        shape = nil
        var features = input.count
        for l in 0...depth {
            let out = l == depth ? outputs : width
            linear("layers.\(l)", inputs: features, outputs: out)
            if l < depth { activate() }
            features = out
        }
    }

    /// `CNN`: `depth` × (conv3×3 → [norm] → σ → pool) as `features`, flatten, `classifier`.
    mutating func buildCNN(depth: Int, width: Int, pool: Pooling, norm: Normalization, outputs: Int) throws(NetworkError) {
        guard depth >= 1 else { throw NetworkError(key: "model.depth", reason: "a cnn needs depth ≥ 1 conv blocks, got \(depth)") }
        try checkWidth(width)
        try checkGroups(norm, channels: [width], width: width)
        let smallest = 1 << min(depth, 30)
        guard input.height >= smallest && input.width >= smallest else {
            throw NetworkError(
                key: "model.depth",
                reason:
                    "\(depth) pooling blocks need inputs of at least \(smallest)×\(smallest), the data are \(input.height)×\(input.width)")
        }
        var index = 0
        for _ in 0..<depth {
            convolution("features.\(index)", channels: width, kernel: 3, stride: 1, padding: 1, bias: true)
            index += 1
            if let groups = norm.groups {
                groupNorm("features.\(index)", groups: groups)
                index += 1
            }
            activate()
            index += 1
            pool == .avg ? averagePool() : maximumPool()
            index += 1
        }
        flatten()
        linear("classifier", inputs: valueSizes[current], outputs: outputs)
    }

    /// `VGG`: the plan of VGG-`depth` (conv3×3 → [norm] → σ, and 2×2 max pools), flatten, `classifier`.
    mutating func buildVGG(depth: Int, width: Int, norm: Normalization, outputs: Int) throws(NetworkError) {
        guard let plan = Architecture.vggPlans[depth] else {
            throw NetworkError(key: "model.depth", reason: "vgg depth must be 11, 13, 16 or 19, got \(depth)")
        }
        try checkWidth(width)
        try checkGroups(norm, channels: Array(Set(plan.filter { $0 > 0 }.map { $0 * width })).sorted(), width: width)
        let pools = plan.filter { $0 == 0 }.count
        guard input.height >> pools >= 1 && input.width >> pools >= 1 else {
            throw NetworkError(
                key: "model.arch",
                reason:
                    "VGG-\(depth) pools \(pools) times and needs inputs of at least \(1 << pools)×\(1 << pools), the data are \(input.height)×\(input.width)"
            )
        }
        var index = 0
        for step in plan {
            if step == 0 {
                maximumPool()
                index += 1
                continue
            }
            convolution("features.\(index)", channels: step * width, kernel: 3, stride: 1, padding: 1, bias: true)
            index += 1
            if let groups = norm.groups {
                groupNorm("features.\(index)", groups: groups)
                index += 1
            }
            activate()
            index += 1
        }
        flatten()
        linear("classifier", inputs: valueSizes[current], outputs: outputs)
    }

    /// `ResNet`: `stem` (conv → norm → σ), 3 stages of `depth` basic blocks, mean over pixels, `head`.
    mutating func buildResNet(depth: Int, width: Int, norm: Normalization, outputs: Int) throws(NetworkError) {
        guard depth >= 1 else { throw NetworkError(key: "model.depth", reason: "a resnet needs depth ≥ 1 blocks per stage, got \(depth)") }
        try checkWidth(width)
        try checkGroups(norm, channels: [width, 2 * width, 4 * width], width: width)
        convolution("stem.0", channels: width, kernel: 3, stride: 1, padding: 1, bias: false)
        normalize("stem.1", norm)
        activate()
        var channels = width
        for (s, out) in [width, 2 * width, 4 * width].enumerated() {
            for b in 0..<depth {
                let block = "stages.\(s).\(b)"
                let stride = s > 0 && b == 0 ? 2 : 1
                let blockInput = current, inputShape = shape!
                convolution("\(block).conv1", channels: out, kernel: 3, stride: stride, padding: 1, bias: false)
                normalize("\(block).norm1", norm)
                activate()
                convolution("\(block).conv2", channels: out, kernel: 3, stride: 1, padding: 1, bias: false)
                normalize("\(block).norm2", norm)
                let main = current, mainShape = shape!
                var shortcut = blockInput
                if stride != 1 || channels != out {
                    current = blockInput
                    shape = inputShape
                    convolution("\(block).shortcut.0", channels: out, kernel: 1, stride: stride, padding: 0, bias: false)
                    normalize("\(block).shortcut.1", norm)
                    shortcut = current
                }
                append(.add(size: mainShape.count), inputs: [main, shortcut], size: mainShape.count)
                shape = mainShape
                activate()
                channels = out
            }
        }
        globalAveragePool()
        linear("head", inputs: channels, outputs: outputs)
    }

    /// `Transformer`: token embedding plus positions, `depth` pre-norm encoder blocks
    /// (x + attn(norm1(x)), then x + fc2(act(fc1(norm2(x))))), `norm`, the mean over positions,
    /// `head`. θ starts with `position` (the module's own parameter), then `embed.weight`.
    mutating func buildTransformer(
        depth: Int, width: Int, heads: Int, vocabulary: Int, length: Int, outputs: Int
    ) throws(NetworkError) {
        guard depth >= 1 else { throw NetworkError(key: "model.depth", reason: "a transformer needs depth ≥ 1 blocks, got \(depth)") }
        try checkWidth(width)
        guard heads >= 1 && width % heads == 0 else {
            throw NetworkError(key: "model.heads", reason: "\(heads) heads do not divide model.width = \(width)")
        }
        guard vocabulary >= 1 else { throw NetworkError(key: "data.vocab", reason: "the vocabulary needs ≥ 1 token, got \(vocabulary)") }
        guard input.count == length && length >= 1 else {
            throw NetworkError(key: "data.length", reason: "sequences of \(input.count) tokens, the position table has \(length)")
        }
        shape = nil
        let position = tensor("position", [length, width], .normal)
        let embedding = tensor("embed.weight", [vocabulary, width], .normal)
        append(
            .tokenEmbedding(vocabulary: vocabulary, length: length, width: width, position: position, embedding: embedding),
            inputs: [current], size: length * width)
        for b in 0..<depth {
            let block = "blocks.\(b)", residual = current
            layerNorm("\(block).norm1", width: width, rows: length)
            linear("\(block).attn.qkv", inputs: width, outputs: 3 * width, rows: length)
            append(.attention(length: length, width: width, heads: heads), inputs: [current], size: length * width)
            linear("\(block).attn.proj", inputs: width, outputs: width, rows: length)
            append(.add(size: length * width), inputs: [residual, current], size: length * width)
            let attended = current
            layerNorm("\(block).norm2", width: width, rows: length)
            linear("\(block).fc1", inputs: width, outputs: 4 * width, rows: length)
            activate()
            linear("\(block).fc2", inputs: 4 * width, outputs: width, rows: length)
            append(.add(size: length * width), inputs: [attended, current], size: length * width)
        }
        layerNorm("norm", width: width, rows: length)
        append(.globalAvgPool(input: ImageShape(channels: width, height: length, width: 1)), inputs: [current], size: width)
        linear("head", inputs: width, outputs: outputs)
    }

    // MARK: - Checks

    private func checkWidth(_ width: Int) throws(NetworkError) {
        guard width >= 1 else { throw NetworkError(key: "model.width", reason: "width must be ≥ 1, got \(width)") }
    }

    private func checkGroups(_ norm: Normalization, channels: [Int], width: Int) throws(NetworkError) {
        guard case .group(let groups) = norm else { return }
        guard groups >= 1 else { throw NetworkError(key: "model.groups", reason: "groups must be ≥ 1, got \(groups)") }
        if let bad = channels.first(where: { $0 % groups != 0 }) {
            throw NetworkError(
                key: "model.groups", reason: "\(groups) groups do not divide \(bad) channels (model.width = \(width))")
        }
    }

    // MARK: - Modules

    private mutating func tensor(_ name: String, _ shape: [Int], _ role: ParameterTensor.Role) -> Int {
        let start = parameters.last?.range.upperBound ?? 0
        parameters.append(ParameterTensor(name: name, shape: shape, range: start..<(start + shape.reduce(1, *)), role: role))
        return start
    }

    /// Appends a layer reading `inputs` and making a value of `size` entries per example, run
    /// on `rows` independent rows of each example.
    private mutating func append(_ kind: Network.Node.Kind, inputs: [Int], size: Int, rows: Int = 1) {
        valueSizes.append(size)
        nodes.append(Network.Node(kind: kind, inputs: inputs, output: valueSizes.count - 1, rows: rows))
        current = valueSizes.count - 1
    }

    /// `nn.Linear(inputs, outputs)` named `name`, on a flat value or on each of `rows` tokens.
    private mutating func linear(_ name: String, inputs: Int, outputs: Int, rows: Int = 1) {
        let weight = tensor("\(name).weight", [outputs, inputs], .weight(fanIn: inputs))
        let bias = tensor("\(name).bias", [outputs], .bias(fanIn: inputs))
        append(
            .dense(inputs: inputs, outputs: outputs, weight: weight, bias: bias), inputs: [current], size: rows * outputs,
            rows: rows)
    }

    /// `nn.Conv2d(c, channels, kernel, stride, padding, bias)` named `name`.
    private mutating func convolution(_ name: String, channels: Int, kernel: Int, stride: Int, padding: Int, bias: Bool) {
        let image = shape!
        if current == 0 { channelsLastInput = true }
        let fanIn = image.channels * kernel * kernel
        let weight = tensor("\(name).weight", [channels, image.channels, kernel, kernel], .weight(fanIn: fanIn))
        let biasOffset = bias ? tensor("\(name).bias", [channels], .bias(fanIn: fanIn)) : nil
        let out = Conv2d<Double>.outputShape(image, channels: channels, kernel: kernel, stride: stride, padding: padding)
        append(
            .conv(
                input: image, outputChannels: channels, kernel: kernel, stride: stride, padding: padding, weight: weight,
                bias: biasOffset), inputs: [current], size: out.count)
        shape = out
    }

    /// `norm(c)` named `name` when `norm` is not none (ResNet's nn.Identity has no parameters).
    private mutating func normalize(_ name: String, _ norm: Normalization) {
        guard let groups = norm.groups else { return }
        groupNorm(name, groups: groups)
    }

    private mutating func groupNorm(_ name: String, groups: Int) {
        let image = shape!
        let weight = tensor("\(name).weight", [image.channels], .normScale)
        let bias = tensor("\(name).bias", [image.channels], .normShift)
        append(.groupNorm(shape: image, groups: groups, weight: weight, bias: bias), inputs: [current], size: image.count)
    }

    /// The written-out `LayerNorm(width)` named `name` on each of `rows` tokens: GroupNorm with
    /// one group over a 1×1 image of `width` channels per token (the same μ, v, eps 1e-5).
    private mutating func layerNorm(_ name: String, width: Int, rows: Int) {
        let weight = tensor("\(name).weight", [width], .normScale)
        let bias = tensor("\(name).bias", [width], .normShift)
        append(
            .groupNorm(shape: ImageShape(channels: width, height: 1, width: 1), groups: 1, weight: weight, bias: bias),
            inputs: [current], size: rows * width, rows: rows)
    }

    private mutating func activate() {
        append(.activation(size: valueSizes[current]), inputs: [current], size: valueSizes[current])
    }

    private mutating func averagePool() {
        let image = shape!
        append(.avgPool(input: image), inputs: [current], size: image.channels * (image.height / 2) * (image.width / 2))
        shape = ImageShape(channels: image.channels, height: image.height / 2, width: image.width / 2)
    }

    private mutating func maximumPool() {
        let image = shape!
        append(.maxPool(input: image), inputs: [current], size: image.channels * (image.height / 2) * (image.width / 2))
        shape = ImageShape(channels: image.channels, height: image.height / 2, width: image.width / 2)
    }

    private mutating func flatten() {
        let image = shape!
        append(.flatten(input: image), inputs: [current], size: image.count)
        shape = nil
    }

    private mutating func globalAveragePool() {
        let image = shape!
        append(.globalAvgPool(input: image), inputs: [current], size: image.channels)
        shape = nil
    }
}
