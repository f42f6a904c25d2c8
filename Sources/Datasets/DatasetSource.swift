/// Where the training examples come from (`data.name`, `data.path`, the synthetic keys and the
/// tokens keys).
public enum DatasetSource: Equatable, Sendable, CustomStringConvertible {
    /// The bundled UCI digits (1797 images, 1×8×8, pixels 0…16 scaled by 1/16, classes 0…9).
    case digits
    /// CIFAR-10 binary batches: `folder` holds data_batch_1.bin … data_batch_5.bin (the
    /// cifar-10-batches-bin folder itself); 3×32×32, bytes scaled by 1/255.
    case cifar10(folder: String)
    /// MNIST IDX files in `folder`: train-images-idx3-ubyte and train-labels-idx1-ubyte, each raw
    /// or `.gz`; bytes scaled by 1/255.
    case mnist(folder: String)
    /// Fashion-MNIST, same IDX files and layout as MNIST.
    case fashionMNIST(folder: String)
    /// Gaussian class clusters generated from their own seed (see `SyntheticSpec`).
    case synthetic(SyntheticSpec)
    /// Token sequences with a sentiment rule, generated from their own seed (see `TokenSpec`).
    case tokens(TokenSpec)

    /// The `data.name` spelling: digits | cifar10 | mnist | fashion-mnist | synthetic | tokens.
    public var name: String {
        switch self {
        case .digits: "digits"
        case .cifar10: "cifar10"
        case .mnist: "mnist"
        case .fashionMNIST: "fashion-mnist"
        case .synthetic: "synthetic"
        case .tokens: "tokens"
        }
    }

    public var description: String {
        switch self {
        case .digits: "digits"
        case .cifar10(let folder), .mnist(let folder), .fashionMNIST(let folder): "\(name) (\(folder))"
        case .synthetic(let spec):
            "synthetic (dim \(spec.dimension)\(spec.shape.map { " as \($0)" } ?? ""), \(spec.classes) classes, seed \(spec.seed))"
        case .tokens(let spec): "tokens (vocab \(spec.vocabulary), length \(spec.length), seed \(spec.seed))"
        }
    }
}
