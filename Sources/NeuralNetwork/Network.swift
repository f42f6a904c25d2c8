import LinearAlgebra

/// A network as the engine runs it: a list of layers over numbered values (value 0 is the input,
/// each layer writes one new value; a residual join reads two), and its parameters in the
/// PyTorch module's `state_dict` order (docs/ARCHITECTURES.md). A description only: the loss
/// (`FullBatchLoss`) instantiates the layers with their buffers for its n examples.
///
/// Shapes: the input is one example of `input` (CHW rows of the data); convolutional values are
/// channels-last; the output is [`outputs`].
public struct Network: Sendable, Equatable {
    /// One layer of the graph: what it computes, which values it reads and which it writes.
    struct Node: Sendable, Equatable {
        enum Kind: Sendable, Equatable {
            case dense(inputs: Int, outputs: Int, weight: Int, bias: Int?)
            case conv(input: ImageShape, outputChannels: Int, kernel: Int, stride: Int, padding: Int, weight: Int, bias: Int?)
            case activation(size: Int)
            case groupNorm(shape: ImageShape, groups: Int, weight: Int, bias: Int)
            case avgPool(input: ImageShape)
            case maxPool(input: ImageShape)
            case flatten(input: ImageShape)
            case globalAvgPool(input: ImageShape)
            case add(size: Int)
            case tokenEmbedding(vocabulary: Int, length: Int, width: Int, position: Int, embedding: Int)
            case attention(length: Int, width: Int, heads: Int)
        }
        let kind: Kind
        let inputs: [Int]
        let output: Int
        /// Independent rows per example the layer runs on: 1, or T for a layer applied to
        /// every token of a sequence (the transformer's dense layers and norms).
        let rows: Int
    }

    public let architecture: Architecture
    public let input: ImageShape
    public let outputs: Int
    public let activation: Activation
    /// The state_dict tensors, in θ order.
    public let parameters: [ParameterTensor]
    let nodes: [Node]
    /// Entries per example of every value (value 0: the input).
    let valueSizes: [Int]
    /// True when the first layer reads the input channels-last (a convolution), false when it
    /// reads the CHW row as it is (`flatten(1)` of the MLP).
    let channelsLastInput: Bool

    /// The network of `architecture` for inputs of `input` and `outputs` outputs; a size that
    /// does not fit throws an error naming the configuration key.
    public init(_ architecture: Architecture, input: ImageShape, outputs: Int, activation: Activation) throws(NetworkError) {
        // Bounds that keep every size below 2⁶³ (θ and each value are products of at most three of
        // them), so that a huge configuration is refused in a line instead of overflowing.
        let (depth, width) = architecture.size
        guard width <= Self.maximumWidth else {
            throw NetworkError(key: "model.width", reason: "at most \(Self.maximumWidth), got \(width)")
        }
        guard depth <= Self.maximumDepth else {
            throw NetworkError(key: "model.depth", reason: "at most \(Self.maximumDepth), got \(depth)")
        }
        precondition(
            input.count >= 1 && input.count <= 1 << 36 && outputs >= 1 && outputs <= 1 << 20, "Network: input \(input), \(outputs) outputs")
        var builder = NetworkBuilder(input: input, activation: activation)
        switch architecture {
        case .mlp(let depth, let width): try builder.buildMLP(depth: depth, width: width, outputs: outputs)
        case .cnn(let depth, let width, let pool, let norm):
            try builder.buildCNN(depth: depth, width: width, pool: pool, norm: norm, outputs: outputs)
        case .vgg(let depth, let width, let norm): try builder.buildVGG(depth: depth, width: width, norm: norm, outputs: outputs)
        case .resnet(let depth, let width, let norm):
            try builder.buildResNet(depth: depth, width: width, norm: norm, outputs: outputs)
        case .transformer(let depth, let width, let heads, let vocabulary, let length):
            try builder.buildTransformer(
                depth: depth, width: width, heads: heads, vocabulary: vocabulary, length: length, outputs: outputs)
        }
        self.architecture = architecture
        self.input = input
        self.outputs = outputs
        self.activation = activation
        self.parameters = builder.parameters
        self.nodes = builder.nodes
        self.valueSizes = builder.valueSizes
        self.channelsLastInput = builder.channelsLastInput
    }

    /// The largest `model.width` and `model.depth` accepted.
    public static let maximumWidth = 1 << 20
    public static let maximumDepth = 1 << 12

    /// The MLP of `inputs` features → `depth` × `width` → `outputs` on flat inputs, for sizes
    /// known to be valid (a precondition).
    public static func perceptron(inputs: Int, depth: Int, width: Int, outputs: Int, activation: Activation) -> Network {
        do {
            return try Network(.mlp(depth: depth, width: width), input: .flat(inputs), outputs: outputs, activation: activation)
        } catch {
            preconditionFailure("Network.perceptron: \(error)")
        }
    }

    /// N, the number of parameters.
    public var parameterCount: Int { parameters.last?.range.upperBound ?? 0 }

    /// How initial parameters are drawn.
    public enum Initialization: String, Sendable, CaseIterable, Codable {
        /// PyTorch's default for Conv2d and Linear: weights and biases U(−1/√fan_in, 1/√fan_in)
        /// (Cohen et al.); norm scales 1, shifts 0.
        case pytorch
        /// As `pytorch`, Conv2d/Linear biases zero (Damian et al.).
        case pytorchZeroBias = "pytorch-zero-bias"
    }

    /// θ₀ drawn from `SeededGenerator(seed:, stream: .initialization)` tensor by tensor in θ
    /// order, each row-major; a zeroed bias still consumes its draws, so the weights do not
    /// depend on the scheme (and an MLP draws exactly what it did before layers existed).
    public func initialParameters<T: BLASScalar>(_ scheme: Initialization, seed: UInt64, as _: T.Type = T.self) -> [T] {
        var generator = SeededGenerator(seed: seed, stream: .initialization)
        var theta = [T](repeating: 0, count: parameterCount)
        for tensor in parameters {
            switch tensor.role {
            case .weight(let fanIn), .bias(let fanIn):
                let bound = 1 / Double(fanIn).squareRoot()
                let zero = scheme == .pytorchZeroBias && tensor.role == .bias(fanIn: fanIn)
                for i in tensor.range {
                    let draw = generator.nextUniform(-bound, bound)
                    theta[i] = zero ? 0 : T(draw)
                }
            case .normal:
                for i in tensor.range { theta[i] = T(generator.nextNormal()) }
            case .normScale:
                for i in tensor.range { theta[i] = 1 }
            case .normShift:
                break
            }
        }
        return theta
    }
}
