/// One experiment's configuration: the tables `[data]`, `[model]`, `[loss]`, `[train]`,
/// `[sharpness]` and `[track]` of docs/CONFIGURATION.md §2, every key with its default.
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
        /// Synthetic only: input dimension d.
        public var dim = 3072
        /// Synthetic only: number of classes.
        public var classes = 10
        /// Synthetic only: the data's own seed (independent of `model.seed`).
        public var seed = 0

        public init() {}

        enum CodingKeys: String, CodingKey {
            case name, n, path, classesSubset = "classes_subset", standardize
            case standardizeFrom = "standardize_from", dim, classes, seed
        }
    }

    /// `[model]`: the network.
    public struct ModelSettings: Codable, Equatable, Sendable {
        public var arch = Architecture.mlp
        /// Hidden layers (0 = linear model).
        public var depth = 2
        /// Units per hidden layer.
        public var width = 64
        public var activation = Activation.tanh
        public var initialization = Initialization.pytorch
        public var seed = 0

        public init() {}

        enum CodingKeys: String, CodingKey {
            case arch, depth, width, activation, initialization = "init", seed
        }
    }

    /// `[loss]`: the training objective.
    public struct LossSettings: Codable, Equatable, Sendable {
        public var name = LossName.mse

        public init() {}
    }

    /// `[train]`: full-batch gradient descent.
    public struct TrainSettings: Codable, Equatable, Sendable {
        /// The step size η.
        public var lr = 0.25
        /// GD updates (with tracking: phase A's budget).
        public var steps = 1500
        public var precision = Precision.float64
        /// Loss not finite or > diverge_factor × initial loss → status diverged.
        public var divergeFactor = 1e6

        public init() {}

        enum CodingKeys: String, CodingKey {
            case lr, steps, precision, divergeFactor = "diverge_factor"
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

    public enum DatasetName: String, Codable, CaseIterable, Sendable {
        case digits, cifar10, mnist, fashionMNIST = "fashion-mnist", synthetic
    }

    public enum Standardization: String, Codable, CaseIterable, Sendable {
        case none, perPixel = "per-pixel", perChannel = "per-channel"
    }

    /// Whose statistics standardize: the n examples used, or the whole training set.
    public enum StandardizationSource: String, Codable, CaseIterable, Sendable {
        case subset, all
    }

    public enum Architecture: String, Codable, CaseIterable, Sendable {
        case mlp
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

    /// Where sharpness is measured: at θ_t, or at the midpoint θ_t − (η/2)∇L(θ_t).
    public enum SharpnessPoint: String, Codable, CaseIterable, Sendable {
        case iterate, midpoint
    }

    /// linearized = the authors' fixed number of projection steps; converged = to projection_tol.
    public enum Projection: String, Codable, CaseIterable, Sendable {
        case linearized, converged
    }
}
