import LinearAlgebra

/// A fully connected network f(x) = W_L σ(… σ(W_1 x + b_1) …) + b_L with `depth` hidden layers
/// of `width` units (depth 0 is a linear model) and a linear output layer.
public struct MultilayerPerceptron: Sendable, Equatable {
    public let inputDimension: Int
    public let depth: Int
    public let width: Int
    public let outputDimension: Int
    public let activation: Activation
    public let layout: ParameterLayout

    public init(inputDimension: Int, depth: Int, width: Int, outputDimension: Int, activation: Activation) {
        precondition(
            inputDimension >= 1 && outputDimension >= 1 && depth >= 0 && (depth == 0 || width >= 1),
            "MultilayerPerceptron: invalid sizes")
        self.inputDimension = inputDimension
        self.depth = depth
        self.width = width
        self.outputDimension = outputDimension
        self.activation = activation
        self.layout = ParameterLayout(sizes: [inputDimension] + Array(repeating: width, count: depth) + [outputDimension])
    }

    /// N, the number of parameters.
    public var parameterCount: Int { layout.count }

    /// How initial parameters are drawn.
    public enum Initialization: String, Sendable, CaseIterable, Codable {
        /// PyTorch `nn.Linear` default: weights and biases U(−1/√fan_in, 1/√fan_in) (Cohen et al.).
        case pytorch
        /// As `pytorch`, biases zero (Damian et al.).
        case pytorchZeroBias = "pytorch-zero-bias"
    }

    /// θ₀ drawn from `SeededGenerator(seed:, stream: .initialization)`, layer by layer: the
    /// weights row by row, then the biases (which still consume draws when zeroed, so the
    /// weights do not depend on the scheme).
    public func initialParameters<T: BLASScalar>(_ scheme: Initialization, seed: UInt64, as _: T.Type = T.self) -> [T] {
        var generator = SeededGenerator(seed: seed, stream: .initialization)
        var theta = [T](repeating: 0, count: layout.count)
        for layer in layout.layers {
            let bound = 1 / Double(layer.inputs).squareRoot()
            for i in 0..<layer.weightCount {
                theta[layer.weightOffset + i] = T(generator.nextUniform(-bound, bound))
            }
            for i in 0..<layer.outputs {
                let b = generator.nextUniform(-bound, bound)
                theta[layer.biasOffset + i] = scheme == .pytorch ? T(b) : 0
            }
        }
        return theta
    }
}
