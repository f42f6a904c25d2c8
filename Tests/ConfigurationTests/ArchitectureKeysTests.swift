import Testing
@testable import Configuration

/// `model.arch` = cnn | vgg | resnet and the keys `model.pool`, `model.norm`, `model.groups`
/// (docs/CONFIGURATION.md §2.2).
@Suite struct ArchitectureKeysTests {
    @Test func everyArchitectureAndItsKeysLoad() throws {
        let cnn = try RunConfiguration.load(
            tomlText: "[model]\narch = \"cnn\"\ndepth = 3\nwidth = 32\npool = \"max\"\nnorm = \"group\"\ngroups = 4\n",
            file: "run.toml")
        #expect(cnn.model.arch == .cnn && cnn.model.depth == 3 && cnn.model.width == 32)
        #expect(cnn.model.pool == .max && cnn.model.norm == .group && cnn.model.groups == 4)
        let vgg = try RunConfiguration.load(tomlText: "model = { arch = \"vgg\", depth = 16, norm = \"layer\" }\n", file: "run.toml")
        #expect(vgg.model.arch == .vgg && vgg.model.depth == 16 && vgg.model.norm == .layer && vgg.model.pool == .avg)
        let resnet = try RunConfiguration.load(
            tomlText: "", file: "run.toml",
            overrides: ["model.arch=resnet", "model.depth=3", "model.width=16", "model.norm=group", "model.groups=16"])
        #expect(resnet.model.arch == .resnet && resnet.model.depth == 3 && resnet.model.groups == 16)
        for depth in [11, 13, 16, 19] {
            #expect(
                try RunConfiguration.load(tomlText: "", file: "run.toml", overrides: ["model.arch=vgg", "model.depth=\(depth)"]).model.depth
                    == depth)
        }
        // Keys an architecture ignores may be written at their defaults.
        let mlp = try RunConfiguration.load(
            tomlText: "[model]\narch = \"mlp\"\npool = \"avg\"\nnorm = \"none\"\ngroups = 8\n", file: "run.toml")
        #expect(mlp == RunConfiguration())
        #expect(
            try RunConfiguration.load(tomlText: "[model]\narch = \"vgg\"\ndepth = 11\npool = \"avg\"\n", file: "run.toml").model.arch
                == .vgg)
    }

    @Test func unknownValuesNameTheKeyTheLineAndASuggestion() {
        #expect(
            message("[model]\narch = \"resnt\"\n")
                == "run.toml:2: model.arch: unknown value \"resnt\" (did you mean \"resnet\"?); allowed: mlp, cnn, vgg, resnet, transformer"
        )
        #expect(
            message("[model]\narch = \"cnn\"\npool = \"maxx\"\n")
                == "run.toml:3: model.pool: unknown value \"maxx\" (did you mean \"max\"?); allowed: avg, max")
        #expect(
            message("[model]\narch = \"cnn\"\n\nnorm = \"groups\"\n")
                == "run.toml:4: model.norm: unknown value \"groups\" (did you mean \"group\"?); allowed: none, group, layer")
        #expect(message("[model]\npol = \"max\"\n") == "run.toml:2: unknown key 'model.pol' (did you mean 'model.pool'?)")
        #expect(message("[model]\ngroups = 0\n") == "run.toml:2: model.groups = 0 is out of range: it must be >= 1")
        #expect(message("[model]\ngroups = 2.5\n") == "run.toml:2: model.groups: expected an integer, got float 2.5")
        #expect(message("", overrides: ["model.norm=batch"]) == "--set: model.norm: unknown value \"batch\"; allowed: none, group, layer")
    }

    @Test func depthPerArchitecture() {
        #expect(
            message("[model]\narch = \"vgg\"\ndepth = 12\n")
                == "run.toml:3: model.depth = 12 is out of range: it must be 11, 13, 16 or 19 (VGG-11 … VGG-19) "
                + "with model.arch = \"vgg\"")
        // depth left at its default: the message points at the key that made it wrong.
        #expect(
            message("[model]\nwidth = 8\narch = \"vgg\"\n")
                == "run.toml:3: model.depth = 2 is out of range: it must be 11, 13, 16 or 19 (VGG-11 … VGG-19) "
                + "with model.arch = \"vgg\"")
        #expect(
            message("[model]\narch = \"cnn\"\ndepth = 0\n")
                == "run.toml:3: model.depth = 0 is out of range: it must be >= 1 with model.arch = \"cnn\"")
        #expect(
            message("[model]\ndepth = 0\n", overrides: ["model.arch=resnet"])
                == "run.toml:2: model.depth = 0 is out of range: it must be >= 1 with model.arch = \"resnet\"")
        #expect(message("[model]\narch = \"cnn\"\ndepth = -1\n") == "run.toml:3: model.depth = -1 is out of range: it must be >= 0")
        #expect(message("[model]\narch = \"resnet\"\nwidth = 0\n") == "run.toml:3: model.width = 0 is out of range: it must be >= 1")
    }

    @Test func keysTheArchitectureIgnoresMustKeepTheirDefaults() {
        #expect(
            message("[model]\npool = \"max\"\n")
                == "run.toml:2: model.pool: the mlp has no pooling layers; remove it or use arch cnn")
        #expect(
            message("[model]\narch = \"vgg\"\ndepth = 11\npool = \"max\"\n")
                == "run.toml:4: model.pool: vgg always max-pools (its plan fixes the pooling); remove it or use arch cnn")
        #expect(
            message("[model]\narch = \"resnet\"\npool = \"max\"\n")
                == "run.toml:3: model.pool: resnet has no pooling layers (it averages over the image before its head); "
                + "remove it or use arch cnn")
        #expect(
            message("[model]\nnorm = \"layer\"\n")
                == "run.toml:2: model.norm: the mlp has no normalization layers; remove it or use arch cnn, vgg or resnet")
        #expect(
            message("[model]\narch = \"cnn\"\ngroups = 4\n")
                == "run.toml:3: model.groups: only model.norm = \"group\" reads it (model.norm = \"none\"); "
                + "remove it or set model.norm = \"group\"")
        #expect(
            message("[model]\narch = \"resnet\"\nnorm = \"layer\"\ngroups = 4\n")
                == "run.toml:4: model.groups: only model.norm = \"group\" reads it (model.norm = \"layer\"); "
                + "remove it or set model.norm = \"group\"")
        #expect(
            message("[model]\ngroups = 4\n")
                == "run.toml:2: model.groups: only model.norm = \"group\" reads it (model.norm = \"none\"); "
                + "remove it or set model.norm = \"group\"")
    }

    @Test func groupsMustDivideTheChannels() {
        #expect(
            message("[model]\narch = \"cnn\"\nwidth = 12\nnorm = \"group\"\n")
                == "run.toml:3: model.groups: 8 groups do not divide 12 channels (model.width = 12); choose a divisor of 12, e.g. 4")
        #expect(
            message("[model]\narch = \"vgg\"\ndepth = 11\nwidth = 6\nnorm = \"group\"\ngroups = 4\n")
                == "run.toml:6: model.groups: 4 groups do not divide 6 channels (model.width = 6); choose a divisor of 6, e.g. 2")
        #expect(
            message("[model]\narch = \"resnet\"\nnorm = \"group\"\ngroups = 128\n")
                == "run.toml:4: model.groups: 128 groups do not divide 64 channels (model.width = 64); choose a divisor of 64, e.g. 64")
        #expect(
            message("[model]\narch = \"resnet\"\nnorm = \"group\"\n", overrides: ["model.width=9"])
                == "--set: model.groups: 8 groups do not divide 9 channels (model.width = 9); choose a divisor of 9, e.g. 1")
        // Every channel count of each architecture is a multiple of the width: dividing it is enough.
        for arch in ["cnn", "resnet"] {
            #expect(message("[model]\narch = \"\(arch)\"\nwidth = 24\nnorm = \"group\"\ngroups = 24\n") == nil)
        }
        #expect(message("[model]\narch = \"vgg\"\ndepth = 19\nwidth = 24\nnorm = \"group\"\ngroups = 3\n") == nil)
        #expect(message("[model]\narch = \"cnn\"\nwidth = 12\nnorm = \"layer\"\n") == nil)
    }

    /// config.json names the keys an architecture reads, defaults included, and leaves out the
    /// ones it does not read (unless set, which validation refuses): every earlier config.json
    /// stays byte for byte what it was.
    @Test func configJSONListsTheKeysTheArchitectureReads() throws {
        func model(_ c: RunConfiguration) throws -> [String: JSONValue] {
            guard case .object(let root) = c.resolvedJSONValue, case .object(let model)? = root["model"] else {
                Issue.record("no model table")
                return [:]
            }
            return model
        }
        let mlp = try model(RunConfiguration())
        #expect(mlp["pool"] == nil && mlp["norm"] == nil && mlp["groups"] == nil)
        var cnn = RunConfiguration()
        cnn.model.arch = .cnn
        #expect(try model(cnn)["pool"] == .string("avg") && model(cnn)["norm"] == .string("none") && model(cnn)["groups"] == nil)
        cnn.model.norm = .group
        #expect(try model(cnn)["groups"] == .integer(8))
        var vgg = RunConfiguration()
        vgg.model.arch = .vgg
        vgg.model.depth = 11
        #expect(try model(vgg)["pool"] == nil && model(vgg)["norm"] == .string("none"))
        var resnet = RunConfiguration()
        resnet.model.arch = .resnet
        resnet.model.norm = .layer
        #expect(try model(resnet)["norm"] == .string("layer") && model(resnet)["groups"] == nil)
        // A key an architecture does not read is written when it differs from its default, so
        // even an unchecked value survives the round trip (and is then refused).
        var odd = RunConfiguration()
        odd.model.pool = .max
        #expect(try model(odd)["pool"] == .string("max"))
        #expect(throws: ConfigError.self) { try RunConfiguration(json: odd.resolvedJSON()) }

        for c in [cnn, vgg, resnet] {
            #expect(try RunConfiguration(json: c.resolvedJSON()) == c)
        }
        var full = RunConfiguration()
        full.model.arch = .cnn
        full.model.pool = .max
        full.model.norm = .group
        full.model.groups = 2
        full.model.width = 6
        #expect(try RunConfiguration(json: full.resolvedJSON()) == full)
    }

    @Test func taskKeysOfEarlierConfigurationsAreUnchanged() throws {
        // The pinned key of TaskKeyTests, with the new keys written at their defaults.
        let c = try RunConfiguration.load(
            tomlText: "[train]\nlr = 0.1\n[model]\nwidth = 128\ndepth = 2\npool = \"avg\"\nnorm = \"none\"\ngroups = 8\n"
                + "[data]\nshape = []\n",
            file: "a.toml")
        #expect(c.taskKey == "800bf437a9fc8473d00862be40765f5fcdfa2309b63ecf088dbc7cf55e8012e2")
        var cnn = RunConfiguration()
        cnn.model.arch = .cnn
        #expect(cnn.taskKey == SHA256.hexDigest(#"{"model":{"arch":"cnn"}}"#.utf8))
        var maxPool = cnn
        maxPool.model.pool = .max
        #expect(maxPool.taskKey == SHA256.hexDigest(#"{"model":{"arch":"cnn","pool":"max"}}"#.utf8))
    }

    /// A config.json written before these keys existed loads, and is written back unchanged.
    @Test func earlierConfigJSONRoundTripsByteForByte() throws {
        var c = RunConfiguration()
        c.data.name = .synthetic
        c.data.dim = 20
        c.model.width = 16
        c.track.enabled = true
        let text = c.resolvedJSON()
        #expect(!text.contains("pool") && !text.contains("norm") && !text.contains("groups") && !text.contains("shape"))
        #expect(try RunConfiguration(json: text).resolvedJSON() == text)
    }
}
