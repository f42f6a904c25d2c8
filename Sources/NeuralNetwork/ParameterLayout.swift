/// Where each layer's weights and biases live inside the one flat parameter vector θ.
///
/// Layer i (0-based) has `layers.{i}.weight` [outputs, inputs] (row-major, PyTorch `nn.Linear`
/// layout) followed by `layers.{i}.bias` [outputs]; layers follow each other in order.
/// Gradients, Hessian-vector products and eigenvectors use the same layout.
public struct ParameterLayout: Sendable, Equatable {
    public struct Layer: Sendable, Equatable {
        public let index: Int
        public let inputs: Int
        public let outputs: Int
        /// Offset of W[0, 0] in θ.
        public let weightOffset: Int
        /// Offset of b[0] in θ.
        public let biasOffset: Int
        public var weightCount: Int { inputs * outputs }
    }

    /// A named slice of θ: `name` as in PyTorch's state dict, `shape`, and its `range` in θ.
    public struct Slice: Sendable, Equatable {
        public let name: String
        public let shape: [Int]
        public let range: Range<Int>
    }

    public let layers: [Layer]
    /// N, the total number of parameters.
    public let count: Int

    /// Layout for dense layers of the given sizes: `sizes = [d, h₁, …, k]`.
    public init(sizes: [Int]) {
        precondition(sizes.count >= 2 && sizes.allSatisfy { $0 >= 1 }, "ParameterLayout needs at least input and output sizes ≥ 1")
        var layers: [Layer] = []
        var offset = 0
        for i in 0..<(sizes.count - 1) {
            let layer = Layer(
                index: i, inputs: sizes[i], outputs: sizes[i + 1],
                weightOffset: offset, biasOffset: offset + sizes[i] * sizes[i + 1])
            layers.append(layer)
            offset = layer.biasOffset + layer.outputs
        }
        self.layers = layers
        self.count = offset
    }

    /// Every weight and bias as a named slice, in θ order.
    public var slices: [Slice] {
        layers.flatMap { l in
            [
                Slice(
                    name: "layers.\(l.index).weight", shape: [l.outputs, l.inputs],
                    range: l.weightOffset..<(l.weightOffset + l.weightCount)),
                Slice(
                    name: "layers.\(l.index).bias", shape: [l.outputs],
                    range: l.biasOffset..<(l.biasOffset + l.outputs)),
            ]
        }
    }
}
