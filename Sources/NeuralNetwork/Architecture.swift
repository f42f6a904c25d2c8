/// The network families of docs/CONFIGURATION.md § model, each defined by its PyTorch module in
/// docs/ARCHITECTURES.md (the reference the engine is tested against).
public enum Architecture: Sendable, Equatable {
    /// `depth` hidden dense layers of `width` units (0: a linear model).
    case mlp(depth: Int, width: Int)
    /// `depth` ≥ 1 blocks conv3×3 → [norm] → σ → pool, then a linear head.
    case cnn(depth: Int, width: Int, pool: Pooling, norm: Normalization)
    /// VGG-`depth`, depth ∈ {11, 13, 16, 19}; stages of width·{1, 2, 4, 8, 8} channels.
    case vgg(depth: Int, width: Int, norm: Normalization)
    /// CIFAR ResNet-(6·depth + 2): `depth` basic blocks in each of 3 stages of width, 2·width, 4·width.
    case resnet(depth: Int, width: Int, norm: Normalization)
    /// `depth` pre-norm encoder blocks of width d = `width` with `heads` attention heads over
    /// sequences of `length` token ids below `vocab`, mean-pooled into a linear head.
    case transformer(depth: Int, width: Int, heads: Int, vocab: Int, length: Int)

    /// (model.depth, model.width).
    var size: (depth: Int, width: Int) {
        switch self {
        case .mlp(let depth, let width), .cnn(let depth, let width, _, _), .vgg(let depth, let width, _),
            .resnet(let depth, let width, _), .transformer(let depth, let width, _, _, _):
            (depth, width)
        }
    }

    /// The VGG plans: conv channels in units of `width`, 0 for a 2×2 max pool.
    static let vggPlans: [Int: [Int]] = [
        11: [1, 0, 2, 0, 4, 4, 0, 8, 8, 0, 8, 8, 0],
        13: [1, 1, 0, 2, 2, 0, 4, 4, 0, 8, 8, 0, 8, 8, 0],
        16: [1, 1, 0, 2, 2, 0, 4, 4, 4, 0, 8, 8, 8, 0, 8, 8, 8, 0],
        19: [1, 1, 0, 2, 2, 0, 4, 4, 4, 4, 0, 8, 8, 8, 8, 0, 8, 8, 8, 8, 0],
    ]
}

/// `model.pool`: 2×2 pooling with stride 2.
public enum Pooling: String, Sendable, Equatable, CaseIterable {
    case avg, max
}

/// `model.norm`: GroupNorm(groups, c), GroupNorm(1, c) (`layer`), or none.
public enum Normalization: Sendable, Equatable {
    case none
    case group(groups: Int)
    case layer

    /// The GroupNorm group count, nil for none.
    var groups: Int? {
        switch self {
        case .none: nil
        case .group(let g): g
        case .layer: 1
        }
    }
}

/// A network that cannot be built: `key` is the configuration key to change.
public struct NetworkError: Error, Equatable, CustomStringConvertible {
    public let key: String
    public let reason: String
    public var description: String { "\(key): \(reason)" }
}
