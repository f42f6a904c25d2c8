/// The model keys against `model.arch` (docs/CONFIGURATION.md §2.2): each architecture's depths,
/// the keys it reads, GroupNorm's group count against its channel counts, attention heads
/// against the width, and the architecture against the data (token sequences or images).
extension ConfigurationSchema {
    /// VGG's depths: VGG-11, -13, -16 and -19, the weight layers of each plan.
    static let vggDepths = [11, 13, 16, 19]

    /// The transformer reads token sequences and only it does: `model.arch = "transformer"` needs
    /// `data.name = "tokens"`, and tokens need the transformer (both reported at `model.arch`).
    static func checkArchitecture(
        _ arch: RunConfiguration.Architecture, reads data: RunConfiguration.DatasetName
    ) throws(ConfigError.Problem) {
        if arch == .transformer, data != .tokens {
            throw .invalid(key: "model.arch", message: "a transformer reads token sequences; use data.name = \"tokens\"")
        }
        if arch != .transformer, data == .tokens {
            throw .invalid(
                key: "model.arch",
                message: "the tokens data set is token sequences, which only the transformer reads (the \(arch.rawValue) "
                    + "reads images or vectors); use model.arch = \"transformer\"")
        }
    }

    /// Checks `model` against its architecture:
    /// - `model.depth`: any ≥ 0 for mlp (the key's own rule), ≥ 1 for cnn, resnet and
    ///   transformer, one of `vggDepths` for vgg;
    /// - a key the architecture does not read must keep its default: `model.pool` is read by
    ///   cnn only, `model.norm` by cnn, vgg and resnet, `model.groups` only with norm = group,
    ///   `model.heads` by the transformer only (so no two task keys name the same computation);
    /// - with norm = group, `model.groups` divides every channel count. The counts are cnn:
    ///   width; vgg: width·{1, 2, 4, 8} (every plan); resnet: width, 2·width, 4·width. Each
    ///   architecture has a layer of exactly `width` channels and the others are multiples of
    ///   it, so dividing every count is dividing `width`;
    /// - the transformer's `model.heads` divides `model.width` (each head has width/heads
    ///   dimensions).
    static func checkArchitecture(_ model: RunConfiguration.ModelSettings) throws(ConfigError.Problem) {
        let arch = model.arch
        let withArch = "with model.arch = \"\(arch.rawValue)\""
        switch arch {
        case .mlp:
            break
        case .vgg:
            guard vggDepths.contains(model.depth) else {
                throw .outOfRange(
                    key: "model.depth", value: .integer(model.depth),
                    requirement: "11, 13, 16 or 19 (VGG-11 … VGG-19) \(withArch)")
            }
        case .cnn, .resnet, .transformer:
            guard model.depth >= 1 else {
                throw .outOfRange(key: "model.depth", value: .integer(model.depth), requirement: ">= 1 \(withArch)")
            }
        }

        let defaults = RunConfiguration.ModelSettings()
        if model.pool != defaults.pool, arch != .cnn {
            let reason =
                switch arch {
                case .mlp: "the mlp has no pooling layers"
                case .vgg: "vgg always max-pools (its plan fixes the pooling)"
                case .resnet: "resnet has no pooling layers (it averages over the image before its head)"
                case .transformer: "the transformer has no pooling layers (it averages over positions before its head)"
                case .cnn: preconditionFailure("unreachable: the cnn reads model.pool")
                }
            throw .invalid(key: "model.pool", message: "\(reason); remove it or use arch cnn")
        }
        if model.norm != defaults.norm, arch == .mlp || arch == .transformer {
            let reason =
                arch == .mlp
                ? "the mlp has no normalization layers"
                : "the transformer's LayerNorms are part of its definition (docs/ARCHITECTURES.md)"
            throw .invalid(key: "model.norm", message: "\(reason); remove it or use arch cnn, vgg or resnet")
        }
        if arch == .transformer {
            guard model.width % model.heads == 0 else {
                throw .invalid(
                    key: "model.heads",
                    message: "\(model.heads) heads do not divide model.width = \(model.width); "
                        + "choose a divisor of \(model.width), e.g. \(greatestCommonDivisor(model.heads, model.width))")
            }
        } else if model.heads != defaults.heads {
            throw .invalid(
                key: "model.heads",
                message: "only the transformer reads it (model.arch = \"\(arch.rawValue)\"); "
                    + "remove it or set model.arch = \"transformer\"")
        }
        if model.norm == .group {
            guard model.width % model.groups == 0 else {
                throw .invalid(
                    key: "model.groups",
                    message: "\(model.groups) groups do not divide \(model.width) channels (model.width = \(model.width)); "
                        + "choose a divisor of \(model.width), e.g. \(greatestCommonDivisor(model.groups, model.width))")
            }
        } else if model.groups != defaults.groups {
            throw .invalid(
                key: "model.groups",
                message: "only model.norm = \"group\" reads it (model.norm = \"\(model.norm.rawValue)\"); "
                    + "remove it or set model.norm = \"group\"")
        }
    }

    /// gcd(a, b) of positive integers (Euclid).
    private static func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}
