import Testing
@testable import Configuration

/// `data.name = "tokens"` with `data.vocab` and `data.length`, `model.arch = "transformer"` with
/// `model.heads` (docs/CONFIGURATION.md §2.1, §2.2).
@Suite struct TokensKeysTests {
    /// A sweep specification's one-line message.
    func sweepMessage(_ text: String) -> String? {
        do {
            _ = try SweepSpecification.load(tomlText: text, file: "spec.toml")
            return nil
        } catch {
            #expect(!error.description.contains("\n"))
            return error.description
        }
    }

    static let transformer = toml()

    /// A tokens transformer with `data` lines (from line 3) and `model` lines (from line 5).
    static func toml(data: String = "", model: String = "") -> String {
        "[data]\nname = \"tokens\"\n" + data + "[model]\narch = \"transformer\"\n" + model
    }

    @Test func theKeysLoadWithTheirDefaults() throws {
        let c = try RunConfiguration.load(tomlText: Self.transformer, file: "run.toml")
        #expect(c.data.name == .tokens && c.data.vocab == 64 && c.data.length == 16)
        #expect(c.model.arch == .transformer && c.model.heads == 2 && c.model.depth == 2 && c.model.width == 64)
        let set = try RunConfiguration.load(
            tomlText: Self.transformer + "depth = 1\nwidth = 12\nheads = 3\nactivation = \"gelu\"\n", file: "run.toml",
            overrides: ["data.vocab=4", "data.length=2", "data.n=50", "data.seed=7"])
        #expect(set.data.vocab == 4 && set.data.length == 2 && set.data.n == 50 && set.data.seed == 7)
        #expect(set.model.depth == 1 && set.model.width == 12 && set.model.heads == 3 && set.model.activation == .gelu)
        // The keys of another data set or architecture may be written at their defaults.
        let quiet = try RunConfiguration.load(
            tomlText: Self.toml(
                data: "standardize = \"per-pixel\"\nstandardize_from = \"subset\"\nclasses_subset = []\ndim = 3072\nclasses = 10\n"
                    + "path = \"\"\nshape = []\n",
                model: "pool = \"avg\"\nnorm = \"none\"\ngroups = 8\n"),
            file: "run.toml")
        #expect(quiet == (try RunConfiguration.load(tomlText: Self.transformer, file: "run.toml")))
        #expect(
            try RunConfiguration.load(tomlText: "[data]\nvocab = 64\nlength = 16\n[model]\nheads = 2\n", file: "run.toml")
                == RunConfiguration())
    }

    @Test func rangesNameTheKey() {
        #expect(message(Self.toml(data: "vocab = 3\n")) == "run.toml:3: data.vocab = 3 is out of range: it must be >= 4")
        #expect(message(Self.transformer, overrides: ["data.length=1"]) == "--set: data.length = 1 is out of range: it must be >= 2")
        #expect(message(Self.transformer + "heads = 0\n") == "run.toml:5: model.heads = 0 is out of range: it must be >= 1")
        #expect(message(Self.transformer + "heads = 1.5\n") == "run.toml:5: model.heads: expected an integer, got float 1.5")
        #expect(
            message(Self.transformer + "depth = 0\n")
                == "run.toml:5: model.depth = 0 is out of range: it must be >= 1 with model.arch = \"transformer\"")
        #expect(
            message("[model]\narch = \"transfomer\"\n")
                == "run.toml:2: model.arch: unknown value \"transfomer\" (did you mean \"transformer\"?); "
                + "allowed: mlp, cnn, vgg, resnet, transformer")
    }

    @Test func headsMustDivideTheWidth() {
        #expect(
            message(Self.transformer + "width = 64\nheads = 6\n")
                == "run.toml:6: model.heads: 6 heads do not divide model.width = 64; choose a divisor of 64, e.g. 2")
        // heads left at its default 2: reported at the width that made it wrong.
        #expect(
            message(Self.transformer + "width = 9\n")
                == "run.toml:5: model.heads: 2 heads do not divide model.width = 9; choose a divisor of 9, e.g. 1")
        #expect(message(Self.transformer + "width = 12\nheads = 12\n") == nil)
        #expect(message(Self.transformer + "width = 12\nheads = 4\n") == nil)
    }

    @Test func transformerAndTokensGoTogether() {
        #expect(
            message("[model]\narch = \"transformer\"\n")
                == "run.toml:2: model.arch: a transformer reads token sequences; use data.name = \"tokens\"")
        #expect(
            message("[data]\nname = \"synthetic\"\nshape = [1, 4, 4]\n[model]\narch = \"transformer\"\n")
                == "run.toml:5: model.arch: a transformer reads token sequences; use data.name = \"tokens\"")
        // Before the loss's own rule: logistic on digits without a subset is refused for the arch first.
        #expect(
            message("[model]\narch = \"transformer\"\n[loss]\nname = \"logistic\"\n")
                == "run.toml:2: model.arch: a transformer reads token sequences; use data.name = \"tokens\"")
        // The default arch on tokens: reported at data.name, the line that made it wrong.
        #expect(
            message("[data]\nname = \"tokens\"\n")
                == "run.toml:2: model.arch: the tokens data set is token sequences, which only the transformer reads "
                + "(the mlp reads images or vectors); use model.arch = \"transformer\"")
        for arch in ["cnn", "resnet"] {
            #expect(
                message("[data]\nname = \"tokens\"\n[model]\narch = \"\(arch)\"\n")
                    == "run.toml:4: model.arch: the tokens data set is token sequences, which only the transformer reads "
                    + "(the \(arch) reads images or vectors); use model.arch = \"transformer\"")
        }
        #expect(
            message("[data]\nname = \"tokens\"\n[model]\narch = \"vgg\"\ndepth = 11\n")
                == "run.toml:4: model.arch: the tokens data set is token sequences, which only the transformer reads "
                + "(the vgg reads images or vectors); use model.arch = \"transformer\"")
    }

    @Test func tokensOnlyKeysAreRefusedElsewhere() {
        #expect(
            message("[data]\nvocab = 32\n")
                == "run.toml:2: data.vocab: only the tokens data set reads it (data.name = \"digits\"); remove it or set data.name = \"tokens\""
        )
        #expect(
            message("[data]\nname = \"synthetic\"\nlength = 8\n")
                == "run.toml:3: data.length: only the tokens data set reads it (data.name = \"synthetic\"); "
                + "remove it or set data.name = \"tokens\"")
        #expect(
            message("[model]\narch = \"cnn\"\nheads = 4\n")
                == "run.toml:3: model.heads: only the transformer reads it (model.arch = \"cnn\"); remove it or set model.arch = \"transformer\""
        )
        #expect(
            message("", overrides: ["model.heads=1"])
                == "--set: model.heads: only the transformer reads it (model.arch = \"mlp\"); remove it or set model.arch = \"transformer\""
        )
    }

    @Test func theTransformerRefusesTheConvolutionalKeys() {
        #expect(
            message(Self.transformer + "pool = \"max\"\n")
                == "run.toml:5: model.pool: the transformer has no pooling layers (it averages over positions before its head); "
                + "remove it or use arch cnn")
        #expect(
            message(Self.transformer + "norm = \"layer\"\n")
                == "run.toml:5: model.norm: the transformer's LayerNorms are part of its definition (docs/ARCHITECTURES.md); "
                + "remove it or use arch cnn, vgg or resnet")
        #expect(
            message(Self.transformer + "groups = 4\n")
                == "run.toml:5: model.groups: only model.norm = \"group\" reads it (model.norm = \"none\"); remove it or set model.norm = \"group\""
        )
    }

    @Test func tokensRefuseTheKeysOfTheImageDataSets() {
        let reads = "remove it (tokens reads data.n, data.seed, data.vocab and data.length)"
        #expect(
            message(Self.toml(data: "standardize = \"none\"\n"))
                == "run.toml:3: data.standardize: data.name = \"tokens\" does not read it (token ids are never standardized); \(reads)")
        #expect(
            message(Self.transformer, overrides: ["data.standardize_from=all"])
                == "--set: data.standardize_from: data.name = \"tokens\" does not read it (token ids are never standardized); \(reads)")
        #expect(
            message(Self.toml(data: "classes_subset = [0, 1]\n"))
                == "run.toml:3: data.classes_subset: data.name = \"tokens\" does not read it "
                + "(the tokens task is binary by construction: score > 0 is +1); \(reads)")
        #expect(
            message(Self.toml(data: "dim = 16\n"))
                == "run.toml:3: data.dim: data.name = \"tokens\" does not read it (a sequence has data.length token ids); \(reads)")
        #expect(
            message(Self.toml(data: "classes = 2\n"))
                == "run.toml:3: data.classes: data.name = \"tokens\" does not read it (the tokens task has two classes); \(reads)")
        #expect(
            message(Self.toml(data: "path = \"data\"\n"))
                == "run.toml:3: data.path: data.name = \"tokens\" does not read it (the tokens data set is generated from data.seed); \(reads)"
        )
        #expect(
            message(Self.toml(data: "shape = [1, 1, 16]\n"))
                == "run.toml:3: data.shape: only the synthetic data set reads it (tokens is 1×1×data.length token ids); "
                + "remove it or set data.name = \"synthetic\"")
    }

    @Test func theLossIsBinary() throws {
        #expect(
            message(Self.transformer + "[loss]\nname = \"ce\"\n")
                == "run.toml:6: loss.name: ce is refused with data.name = \"tokens\", a binary task with one ±1 output: "
                + "use \"logistic\" or \"mse\"")
        for loss in ["logistic", "mse", "cat_mse"] {
            #expect(
                try RunConfiguration.load(tomlText: Self.transformer + "[loss]\nname = \"\(loss)\"\n", file: "run.toml").loss.name.rawValue
                    == loss)
        }
    }

    /// The rules hold per task after the grid is expanded: heads, vocab, length and the
    /// architecture are grid axes.
    @Test func theKeysAreGridAxes() throws {
        let text = """
            [sweep]
            name = "heads"
            [sweep.grid]
            "model.heads" = [1, 2, 4]
            "data.vocab" = [16, 64]
            [data]
            name = "tokens"
            n = 100
            [model]
            arch = "transformer"
            width = 8
            """
        let s = try SweepSpecification.load(tomlText: text, file: "spec.toml")
        #expect(s.tasks.map(\.configuration.model.heads) == [1, 1, 2, 2, 4, 4])
        #expect(s.tasks.map(\.configuration.data.vocab) == [16, 64, 16, 64, 16, 64])
        #expect(Set(s.tasks.map(\.key)).count == 6)
        for task in s.tasks { #expect(try RunConfiguration(json: task.configuration.resolvedJSON()) == task.configuration) }
        #expect(
            sweepMessage(text.replacingOccurrences(of: "[1, 2, 4]", with: "[1, 3]"))
                == "spec.toml:4: model.heads: 3 heads do not divide model.width = 8; choose a divisor of 8, e.g. 1")
        #expect(
            sweepMessage(text.replacingOccurrences(of: "[16, 64]", with: "[16, 2]"))
                == "spec.toml:5: sweep.grid.data.vocab[1] = 2 is out of range: it must be >= 4")
        // A base that only its grid makes valid: heads under the default mlp, with arch on the grid.
        let archs = """
            [sweep]
            name = "archs"
            [sweep.grid]
            "model.arch" = ["transformer"]
            [data]
            name = "tokens"
            [model]
            heads = 4
            """
        #expect(try SweepSpecification.load(tomlText: archs, file: "spec.toml").tasks.map(\.configuration.model.heads) == [4])
        #expect(
            sweepMessage(archs.replacingOccurrences(of: "[\"transformer\"]", with: "[\"transformer\", \"mlp\"]"))
                == "spec.toml:4: model.arch: the tokens data set is token sequences, which only the transformer reads "
                + "(the mlp reads images or vectors); use model.arch = \"transformer\"")
        #expect(
            sweepMessage(
                "[sweep]\nname = \"s\"\n[sweep.grid]\n\"data.name\" = [\"tokens\", \"digits\"]\n[model]\narch = \"transformer\"\n")
                == "spec.toml:6: model.arch: a transformer reads token sequences; use data.name = \"tokens\"")
    }

    /// config.json of a tokens transformer names its keys (vocab, length, heads) and leaves out
    /// the data keys tokens does not read; every other config.json stays as it was.
    @Test func configJSONListsTheKeysThatAreRead() throws {
        let c = try RunConfiguration.load(tomlText: Self.transformer, file: "run.toml")
        let text = c.resolvedJSON()
        for key in ["\"vocab\": 64", "\"length\": 16", "\"heads\": 2", "\"seed\": 0", "\"n\": 1000"] {
            #expect(text.contains(key), "\(key)")
        }
        for key in ["standardize", "classes", "\"dim\"", "\"path\"", "\"shape\"", "\"pool\"", "\"norm\"", "\"groups\""] {
            #expect(!text.contains(key), "\(key)")
        }
        #expect(try RunConfiguration(json: text) == c)
        var other = RunConfiguration()
        other.data.name = .synthetic
        other.model.arch = .resnet
        let otherText = other.resolvedJSON()
        #expect(!otherText.contains("vocab") && !otherText.contains("length") && !otherText.contains("heads"))
        #expect(otherText.contains("standardize") && otherText.contains("\"dim\""))
        // A value another configuration does not read is written, so it survives the round trip (and is refused).
        var odd = RunConfiguration()
        odd.model.heads = 4
        #expect(odd.resolvedJSON().contains("\"heads\": 4"))
        #expect(throws: ConfigError.self) { try RunConfiguration(json: odd.resolvedJSON()) }
    }

    @Test func taskKeysOfEarlierConfigurationsAreUnchanged() throws {
        let c = try RunConfiguration.load(
            tomlText: "[train]\nlr = 0.1\n[model]\nwidth = 128\ndepth = 2\nheads = 2\n[data]\nvocab = 64\nlength = 16\n", file: "a.toml")
        #expect(c.taskKey == "800bf437a9fc8473d00862be40765f5fcdfa2309b63ecf088dbc7cf55e8012e2")
        let t = try RunConfiguration.load(tomlText: Self.transformer + "heads = 4\n", file: "run.toml")
        #expect(t.taskKey == SHA256.hexDigest(#"{"data":{"name":"tokens"},"model":{"arch":"transformer","heads":4}}"#.utf8))
    }
}
