/// One experiment's configuration: the tables `[data]`, `[model]`, `[loss]`, `[train]`,
/// `[sharpness]`, `[track]` and `[central]` of docs/CONFIGURATION.md §2, every key with its default.
///
/// Keys are snake_case in TOML and JSON (`classes_subset`, `diverge_factor`). Load a TOML file
/// with `RunConfiguration.load(path:overrides:)`, a worker's config JSON with
/// `RunConfiguration(json:)`; both validate. `resolvedJSON()` is `config.json`, `taskKey` the
/// sweep task key. The plain `Codable` conformance is strict (every key present) and does not
/// validate: use it only for values this module produced.
public struct RunConfiguration: Codable, Equatable, Sendable {
    public var data = DataSettings()
    public var model = ModelSettings()
    public var loss = LossSettings()
    public var train = TrainSettings()
    public var sharpness = SharpnessSettings()
    public var track = TrackSettings()
    public var central = CentralSettings()

    /// The all-defaults configuration.
    public init() {}

    /// `[data]`: which examples, and how they are standardized.
    public struct DataSettings: Codable, Equatable, Sendable {
        public var name = DatasetName.digits
        /// The first n examples after class selection; 0 = all.
        public var n = 1000
        /// The folder holding the dataset's files (`cifar-10-batches-bin` itself, or the IDX files).
        public var path = ""
        /// [] = all classes; [a, b] = binary task with targets ±1 (a = +1); 3+ = those classes.
        public var classesSubset: [Int] = []
        public var standardize = Standardization.perPixel
        public var standardizeFrom = StandardizationSource.subset
        /// Synthetic only: input dimension d (set by `shape` when only the shape is given).
        public var dim = 3072
        /// Synthetic only: the image shape [c, h, w] of an example (c·h·w = d); [] = [1, 1, d].
        public var shape: [Int] = []
        /// Synthetic only: number of classes.
        public var classes = 10
        /// Tokens only: V, the vocabulary size (token ids 0..<V).
        public var vocab = 64
        /// Tokens only: T, the length of every sequence (the transformer's position table).
        public var length = 16
        /// Synthetic and tokens: the data's own seed (independent of `model.seed`).
        public var seed = 0

        public init() {}

        enum CodingKeys: String, CodingKey {
            case name, n, path, classesSubset = "classes_subset", standardize
            case standardizeFrom = "standardize_from", dim, shape, classes, vocab, length, seed
        }
    }

    /// `[model]`: the network (docs/CONFIGURATION.md §2.2).
    public struct ModelSettings: Codable, Equatable, Sendable {
        public var arch = Architecture.mlp
        /// mlp: hidden layers (0 = linear model); cnn: conv blocks (≥ 1); vgg: 11, 13, 16 or 19;
        /// resnet: blocks per stage (≥ 1); transformer: encoder blocks (≥ 1).
        public var depth = 2
        /// mlp: units per hidden layer; cnn: channels; vgg, resnet: channels of the first stage;
        /// transformer: the model dimension d.
        public var width = 64
        /// cnn only: the 2×2 pooling after each block.
        public var pool = Pooling.avg
        /// cnn, vgg, resnet: the normalization after each convolution.
        public var norm = Normalization.none
        /// norm = group only: GroupNorm's group count (must divide every channel count).
        public var groups = 8
        /// transformer only: attention heads (must divide `width`).
        public var heads = 2
        public var activation = Activation.tanh
        public var initialization = Initialization.pytorch
        public var seed = 0

        public init() {}

        enum CodingKeys: String, CodingKey {
            case arch, depth, width, pool, norm, groups, heads, activation, initialization = "init", seed
        }
    }

    /// `[loss]`: the training objective.
    public struct LossSettings: Codable, Equatable, Sendable {
        public var name = LossName.mse

        public init() {}
    }

    /// `[train]`: full-batch gradient descent, or one of torch.optim's optimizers on the full batch.
    public struct TrainSettings: Codable, Equatable, Sendable {
        /// The step size η.
        public var lr = 0.25
        /// GD updates (with tracking: phase A's budget).
        public var steps = 1500
        public var precision = Precision.float64
        /// Loss not finite or > diverge_factor × initial loss → status diverged.
        public var divergeFactor = 1e6
        /// The update rule (docs/THEORY.md §11).
        public var optimizer = Optimizer.gd
        /// β of polyak and nesterov, β₁ of adam; in [0, 1). Read by those three only.
        public var momentum = 0.9
        /// β₂ of adam, α of rmsprop; in (0, 1). Read by those two only. The default is Adam's;
        /// a loaded configuration with optimizer rmsprop that does not set it gets 0.99, RMSprop's
        /// (`ConfigurationSchema.resolveOptimizer`).
        public var beta2 = 0.999
        /// ε of adam and rmsprop (added to the root of the second moment); > 0.
        public var epsilon = 1e-8
        /// Stop at the first trace row with loss ≤ this; 0 = off.
        public var lossGoal = 0.0
        /// Stop at the first trace row with training accuracy ≥ this (a fraction); 0 = off.
        public var accuracyGoal = 0.0
        /// Stop this many steps after `eos_step` (sharpness first ≥ 2/η); 0 = off.
        public var stepsAfterEos = 0

        public init() {}

        enum CodingKeys: String, CodingKey {
            case lr, steps, precision, divergeFactor = "diverge_factor", optimizer, momentum, beta2, epsilon
            case lossGoal = "loss_goal", accuracyGoal = "accuracy_goal", stepsAfterEos = "steps_after_eos"
        }
    }

    /// `[sharpness]`: top Hessian eigenvalues along the trajectory.
    public struct SharpnessSettings: Codable, Equatable, Sendable {
        /// Measure every k steps, and always at step 0 and the last step; 0 = never.
        public var every = 10
        /// Number of top eigenvalues.
        public var k = 1
        public var at = SharpnessPoint.iterate
        /// Relative residual tolerance of the eigen-solver.
        public var tol = 1e-8

        public init() {}
    }

    /// `[track]`: self-stabilization tracking (docs/THEORY.md §6).
    public struct TrackSettings: Codable, Equatable, Sendable {
        public var enabled = false
        /// Phase B updates after the first unstable iterate t0.
        public var steps = 500
        public var projection = Projection.linearized
        public var projectionSteps = 3
        public var projectionTol = 1e-10
        /// Use the generalized predicted dynamics v⋆.
        public var generalized = false
        public var gradientFlow = false

        public init() {}

        enum CodingKeys: String, CodingKey {
            case enabled, steps, projection, projectionSteps = "projection_steps"
            case projectionTol = "projection_tol", generalized, gradientFlow = "gradient_flow"
        }
    }

    /// `[central]`: GD beside its central flow and gradient flow (docs/THEORY.md §10).
    public struct CentralSettings: Codable, Equatable, Sendable {
        public var enabled = false
        /// GD updates side by side after the start.
        public var steps = 1000
        /// Where GD, the central flow and gradient flow start.
        public var start = CentralStart.instability
        /// τ ∈ (1, 2]: an eigenpair is critical when λ > τ/η.
        public var threshold = 1.95
        /// Euler substeps of the central flow per GD step.
        public var substeps = 4
        /// Eigenpairs tracked at the start; grows while the k-th eigenvalue is critical.
        public var k = 4
        /// Integrate gradient flow from the start beside GD.
        public var gradientFlow = true

        public init() {}

        enum CodingKeys: String, CodingKey {
            case enabled, steps, start, threshold, substeps, k, gradientFlow = "gradient_flow"
        }
    }

    /// instability = from the first unstable iterate t0 that phase A finds; init = from θ₀.
    public enum CentralStart: String, Codable, CaseIterable, Sendable {
        case instability, initialization = "init"
    }

    public enum DatasetName: String, Codable, CaseIterable, Sendable {
        case digits, cifar10, mnist, fashionMNIST = "fashion-mnist", synthetic, tokens
    }

    public enum Standardization: String, Codable, CaseIterable, Sendable {
        case none, perPixel = "per-pixel", perChannel = "per-channel"
    }

    /// Whose statistics standardize: the n examples used, or the whole training set.
    public enum StandardizationSource: String, Codable, CaseIterable, Sendable {
        case subset, all
    }

    /// The network families of docs/CONFIGURATION.md §2.2: fully connected, a small CNN, VGG-11/13/16/19,
    /// a CIFAR ResNet-(6·depth+2), and a pre-norm transformer encoder over token sequences.
    public enum Architecture: String, Codable, CaseIterable, Sendable {
        case mlp, cnn, vgg, resnet, transformer
    }

    /// The cnn's 2×2, stride-2 pooling: average or maximum.
    public enum Pooling: String, Codable, CaseIterable, Sendable {
        case avg, max
    }

    /// After each convolution: nothing, GroupNorm with `model.groups` groups, or LayerNorm
    /// (GroupNorm with one group).
    public enum Normalization: String, Codable, CaseIterable, Sendable {
        case none, group, layer
    }

    /// docs/THEORY.md §8.
    public enum Activation: String, Codable, CaseIterable, Sendable {
        case tanh, relu, elu, gelu, softplus, swish, hardtanh, linear
    }

    /// pytorch = U(±1/√fan_in) for weights and biases; pytorch-zero-bias = the same with zero biases.
    public enum Initialization: String, Codable, CaseIterable, Sendable {
        case pytorch, pytorchZeroBias = "pytorch-zero-bias"
    }

    /// mse = ½·mean_i‖f−y‖²; cat_mse = mean_i‖f−y‖²; ce = cross-entropy; logistic = binary only.
    public enum LossName: String, Codable, CaseIterable, Sendable {
        case mse, catMSE = "cat_mse", ce, logistic
    }

    public enum Precision: String, Codable, CaseIterable, Sendable {
        case float32, float64
    }

    /// gd = θ −= η∇L; polyak, nesterov = torch.optim.SGD(momentum, nesterov); rmsprop =
    /// torch.optim.RMSprop (no momentum, not centered); adam = torch.optim.Adam (docs/THEORY.md §11).
    public enum Optimizer: String, Codable, CaseIterable, Sendable {
        case gd, polyak, nesterov, rmsprop, adam

        /// Whether `train.momentum` is read (β or β₁).
        public var readsMomentum: Bool { self == .polyak || self == .nesterov || self == .adam }
        /// Whether `train.beta2` and `train.epsilon` are read (the adaptive methods).
        public var isAdaptive: Bool { self == .rmsprop || self == .adam }
    }

    /// Where sharpness is measured: at θ_t, or at the midpoint θ_t − (η/2)∇L(θ_t).
    public enum SharpnessPoint: String, Codable, CaseIterable, Sendable {
        case iterate, midpoint
    }

    /// linearized = the authors' fixed number of projection steps; converged = to projection_tol.
    public enum Projection: String, Codable, CaseIterable, Sendable {
        case linearized, converged
    }
}
