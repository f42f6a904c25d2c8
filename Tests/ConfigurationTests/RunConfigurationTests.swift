import Foundation
import Testing
@testable import Configuration

@Suite struct RunConfigurationTests {
    /// Every key of the run configuration at its default, as docs/CONFIGURATION.md §2 lists them.
    static let contractDefaults = """
        [data]
        name = "digits"            # digits (bundled) | cifar10 | mnist | fashion-mnist | synthetic
        n = 1000                   # first n examples after class selection; 0 = all
        path = ""
        classes_subset = []
        standardize = "per-pixel"  # none | per-pixel | per-channel
        standardize_from = "subset" # subset (the n examples used) | all (the whole training set)
        dim = 3072                 # synthetic only: input dimension
        shape = []                 # synthetic only: [c, h, w] of an example; [] = [1, 1, dim]
        classes = 10               # synthetic only: number of classes
        seed = 0                   # synthetic only: the data's own seed (independent of model.seed)

        [model]
        arch = "mlp"               # mlp | cnn | vgg | resnet
        depth = 2                  # mlp: hidden layers (0 = linear model); cnn: blocks; vgg: 11|13|16|19; resnet: blocks per stage
        width = 64
        pool = "avg"               # cnn: avg | max
        norm = "none"              # cnn/vgg/resnet: none | group | layer
        groups = 8                 # norm = "group": GroupNorm groups
        activation = "tanh"        # tanh | relu | elu | gelu | softplus | swish | hardtanh | linear
        init = "pytorch"           # pytorch = U(±1/sqrt(fan_in)) for weights and biases | pytorch-zero-bias
        seed = 0

        [loss]
        name = "mse"               # mse = ½·mean_i‖f−y‖² | cat_mse = mean_i‖f−y‖² | ce | logistic (binary only)

        [train]
        lr = 0.25
        steps = 1500               # GD updates (with tracking: phase A's budget); see trace.csv below
        precision = "float64"      # float32 | float64
        diverge_factor = 1e6       # loss not finite or > diverge_factor × initial loss → status diverged

        [sharpness]
        every = 10                 # measure every k steps, and always at step 0 and at the last step
        k = 1                      # top-k Hessian eigenvalues
        at = "iterate"             # iterate θ_t | midpoint θ_t − (η/2)∇L(θ_t)
        tol = 1e-8                 # relative residual tolerance of the eigen-solver

        [track]                    # self-stabilization tracking (docs/THEORY.md §6)
        enabled = false
        steps = 500                # phase B updates after the first unstable iterate t0
        projection = "linearized"  # linearized (the authors' fixed count) | converged (to projection_tol)
        projection_steps = 3
        projection_tol = 1e-10
        generalized = false        # which predicted dynamics v⋆ to use
        gradient_flow = false
        """

    @Test func defaultsAreCONTRACTTable() throws {
        let c = RunConfiguration()
        #expect(c.data.name == .digits && c.data.n == 1000 && c.data.path == "" && c.data.classesSubset == [])
        #expect(c.data.standardize == .perPixel && c.data.standardizeFrom == .subset)
        #expect(c.data.dim == 3072 && c.data.shape == [] && c.data.classes == 10 && c.data.seed == 0)
        #expect(c.model.arch == .mlp && c.model.depth == 2 && c.model.width == 64)
        #expect(c.model.pool == .avg && c.model.norm == .none && c.model.groups == 8)
        #expect(c.model.activation == .tanh && c.model.initialization == .pytorch && c.model.seed == 0)
        #expect(c.loss.name == .mse)
        #expect(c.train.lr == 0.25 && c.train.steps == 1500 && c.train.precision == .float64 && c.train.divergeFactor == 1e6)
        #expect(c.sharpness.every == 10 && c.sharpness.k == 1 && c.sharpness.at == .iterate && c.sharpness.tol == 1e-8)
        #expect(!c.track.enabled && c.track.steps == 500 && c.track.projection == .linearized)
        #expect(c.track.projectionSteps == 3 && c.track.projectionTol == 1e-10)
        #expect(!c.track.generalized && !c.track.gradientFlow)
        let loaded = try RunConfiguration.load(tomlText: Self.contractDefaults, file: "contract.toml")
        #expect(loaded == c)
    }

    /// Also the guarantee that config.json of a configuration an earlier version accepted is
    /// unchanged: the keys of the convolutional architectures are not in it (checkpoints compare it).
    @Test func resolvedJSONOfDefaultsIsNestedSortedAndComplete() {
        let expected = """
            {
              "data": {
                "classes": 10,
                "classes_subset": [],
                "dim": 3072,
                "n": 1000,
                "name": "digits",
                "path": "",
                "seed": 0,
                "standardize": "per-pixel",
                "standardize_from": "subset"
              },
              "loss": {
                "name": "mse"
              },
              "model": {
                "activation": "tanh",
                "arch": "mlp",
                "depth": 2,
                "init": "pytorch",
                "seed": 0,
                "width": 64
              },
              "sharpness": {
                "at": "iterate",
                "every": 10,
                "k": 1,
                "tol": 1e-8
              },
              "track": {
                "enabled": false,
                "generalized": false,
                "gradient_flow": false,
                "projection": "linearized",
                "projection_steps": 3,
                "projection_tol": 1e-10,
                "steps": 500
              },
              "train": {
                "diverge_factor": 1000000,
                "lr": 0.25,
                "precision": "float64",
                "steps": 1500
              }
            }

            """
        #expect(RunConfiguration().resolvedJSON() == expected)
    }

    @Test func schemaCoversExactlyTheConfigurationKeys() {
        #expect(Set(ConfigurationSchema.keys) == Set(RunConfiguration().jsonValue.dottedLeaves.keys))
    }

    @Test func nearlyEmptyFilesLoad() throws {
        #expect(try RunConfiguration.load(tomlText: "", file: "empty.toml") == RunConfiguration())
        let c = try RunConfiguration.load(tomlText: "# only a comment\n[train]\nlr = 1\n", file: "a.toml")
        var expected = RunConfiguration()
        expected.train.lr = 1
        #expect(c == expected)
    }

    @Test func dottedKeysInlineTablesAndEveryKind() throws {
        let text = """
            data.name = "synthetic"
            data.classes_subset = [4, 9]
            model = { width = 128, activation = "relu", init = "pytorch-zero-bias" }
            [loss]
            name = "logistic"
            [train]
            precision = "float32"
            diverge_factor = 100
            [track]
            enabled = true
            projection_tol = 2.5e-9
            """
        let c = try RunConfiguration.load(tomlText: text, file: "b.toml")
        #expect(c.data.name == .synthetic && c.data.classesSubset == [4, 9])
        #expect(c.model.width == 128 && c.model.activation == .relu && c.model.initialization == .pytorchZeroBias)
        #expect(c.loss.name == .logistic && c.train.precision == .float32 && c.train.divergeFactor == 100)
        #expect(c.track.enabled && c.track.projectionTol == 2.5e-9)
    }

    @Test func setOverridesWinInOrderAndParseTOMLValues() throws {
        let text = "[train]\nlr = 0.5\n[data]\nname = \"mnist\"\n"
        let c = try RunConfiguration.load(
            tomlText: text, file: "c.toml",
            overrides: [
                "train.lr=0.1", "data.classes_subset=[4,9]", "loss.name=logistic", "data.name=digits",
                "data.path=/data/mnist files", "model.width = 32", "model.width=16", "track.enabled=true",
                "sharpness.tol=1e-6", "data.standardize=\"none\"",
            ])
        #expect(c.train.lr == 0.1)
        #expect(c.data.classesSubset == [4, 9] && c.loss.name == .logistic)
        #expect(c.data.name == .digits && c.data.path == "/data/mnist files")
        #expect(c.model.width == 16 && c.track.enabled && c.sharpness.tol == 1e-6 && c.data.standardize == .none)
    }

    @Test func jsonRoundTrip() throws {
        var c = RunConfiguration()
        c.data.name = .cifar10
        c.data.classesSubset = [0, 1, 2]
        c.model.activation = .gelu
        c.train.lr = 0.1
        c.train.divergeFactor = 1e300
        c.sharpness.tol = 1e-12
        c.track.enabled = true
        let back = try RunConfiguration(json: c.resolvedJSON())
        #expect(back == c)
        #expect(try RunConfiguration(json: "{\"train\": {\"lr\": 2}}").train.lr == 2)
        #expect(try RunConfiguration(json: "{}") == RunConfiguration())
    }

    @Test func loadFromPath() throws {
        let path = "/tmp/eos-configuration-test-\(UInt64.random(in: 0..<UInt64.max)).toml"
        try "[model]\nwidth = 8\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try RunConfiguration.load(path: path, overrides: ["model.depth=0"]).model.depth == 0)
        #expect(try RunConfiguration.load(path: path).model.width == 8)
    }
}
