import Foundation
import Testing
@testable import Configuration

@Suite struct SweepSpecificationTests {
    static let spec = """
        [sweep]
        name = "lr-width"

        [sweep.grid]
        "train.lr"    = [0.1, 1, 0.5]
        "model.width" = [32, 64]

        [data]
        n = 500
        [model]
        depth = 1
        """

    @Test func gridExpandsInFileOrderLastKeyFastest() throws {
        let s = try SweepSpecification.load(tomlText: Self.spec, file: "spec.toml")
        #expect(s.name == "lr-width" && s.gridKeys == ["train.lr", "model.width"])
        #expect(s.maxAttempts == 3 && s.checkpointEvery == 300 && s.heartbeatInterval == 1.0 && s.liveness == 3)
        #expect(s.tasks.count == 6)
        let points = s.tasks.map { ($0.configuration.train.lr, $0.configuration.model.width) }
        let expected: [(Double, Int)] = [(0.1, 32), (0.1, 64), (1, 32), (1, 64), (0.5, 32), (0.5, 64)]
        #expect(points.elementsEqual(expected, by: ==))
        #expect(
            s.tasks[2].gridValues == [
                .init(key: "train.lr", value: .number(1)), .init(key: "model.width", value: .integer(32)),
            ])
        for task in s.tasks {
            #expect(task.configuration.data.n == 500 && task.configuration.model.depth == 1)
            #expect(task.key == taskKey(task.configuration))
            // Computed at expansion from one encoding: what the configuration itself gives.
            #expect(task.configJSON == task.configuration.resolvedJSON())
        }
        #expect(Set(s.tasks.map(\.key)).count == 6)
        var base = RunConfiguration()
        base.data.n = 500
        base.model.depth = 1
        #expect(s.base == base)
    }

    @Test func sweepSettingsAndNestedGridTables() throws {
        let text = """
            [sweep]
            name = "seeds_2"
            max_attempts = 5
            checkpoint_every = 30
            heartbeat_interval = 0.5
            liveness = 4
            [sweep.grid]
            model.seed = [0, 1, 2]
            """
        let s = try SweepSpecification.load(tomlText: text, file: "spec.toml")
        #expect(s.maxAttempts == 5 && s.checkpointEvery == 30 && s.heartbeatInterval == 0.5 && s.liveness == 4)
        #expect(s.tasks.map(\.configuration.model.seed) == [0, 1, 2])
        // The seed-0 task is the all-defaults configuration.
        #expect(s.tasks[0].key == SHA256.hexDigest("{}".utf8))
        let noGrid = try SweepSpecification.load(tomlText: "[sweep]\nname = \"one\"\n", file: "spec.toml")
        #expect(noGrid.tasks.count == 1 && noGrid.tasks[0].configuration == RunConfiguration())
    }

    func message(_ text: String) -> String? {
        do {
            _ = try SweepSpecification.load(tomlText: text, file: "spec.toml")
            return nil
        } catch {
            return error.description
        }
    }

    @Test func gridErrorsNameKeyIndexAndLine() {
        let head = "[sweep]\nname = \"s\"\n[sweep.grid]\n"
        #expect(
            message(head + "\"train.lr\" = [0.1]\n\"model.widht\" = [32]\n")
                == "spec.toml:5: unknown key 'model.widht' (did you mean 'model.width'?)")
        #expect(
            message(head + "\"train.lr\" = [0.1, \"abc\"]\n")
                == "spec.toml:4: sweep.grid.train.lr[1]: expected a float, got string \"abc\"")
        #expect(
            message(head + "\"model.width\" = [32, 0]\n")
                == "spec.toml:4: sweep.grid.model.width[1] = 0 is out of range: it must be >= 1")
        #expect(
            message(head + "\"train.lr\" = []\n")
                == "spec.toml:4: sweep.grid.train.lr: expected a non-empty list of values, got array []")
        #expect(
            message(head + "\"train.lr\" = 0.1\n")
                == "spec.toml:4: sweep.grid.train.lr: expected a non-empty list of values, got float 0.1")
        #expect(
            message(head + "\"model.seed\" = [0, 1, 0]\n")
                == "spec.toml:4: sweep.grid.model.seed[2]: 0 is listed twice: list each value once")
        #expect(
            message("data.classes_subset = [4, 9]\n" + head + "\"loss.name\" = [\"mse\", \"ce\"]\n")
                == "spec.toml:5: loss.name: ce is refused with the binary data.classes_subset [4, 9]: use \"logistic\"")
    }

    /// `model.arch` as a grid axis: the rules between the model keys hold per task, so a base
    /// that only the grid makes valid is fine (norm = "group" is refused for the default mlp).
    @Test func architectureIsAGridAxis() throws {
        let text = """
            [sweep]
            name = "archs"
            [sweep.grid]
            "model.arch" = ["cnn", "resnet"]
            "model.width" = [16, 32]
            [data]
            name = "synthetic"
            shape = [3, 32, 32]
            [model]
            norm = "group"
            groups = 4
            """
        let s = try SweepSpecification.load(tomlText: text, file: "spec.toml")
        #expect(s.tasks.count == 4)
        #expect(s.tasks.map(\.configuration.model.arch) == [.cnn, .cnn, .resnet, .resnet])
        #expect(s.tasks.allSatisfy { $0.configuration.model.norm == .group && $0.configuration.model.groups == 4 })
        #expect(Set(s.tasks.map(\.key)).count == 4)
        #expect(s.base.model.arch == .mlp && s.base.model.norm == .group)
        for task in s.tasks {
            #expect(try RunConfiguration(json: task.configuration.resolvedJSON()) == task.configuration)
        }
    }

    @Test func aGridPointThatBreaksAnArchitectureRuleIsReportedAtItsLine() {
        let head = "[sweep]\nname = \"s\"\n[sweep.grid]\n"
        // depth set in the base: its line; the message names the arch that refuses it.
        #expect(
            message(head + "\"model.arch\" = [\"mlp\", \"vgg\"]\n[model]\ndepth = 2\n")
                == "spec.toml:6: model.depth = 2 is out of range: it must be 11, 13, 16 or 19 (VGG-11 … VGG-19) "
                + "with model.arch = \"vgg\"")
        // depth at its default: the grid line of the arch.
        #expect(
            message(head + "\"model.arch\" = [\"cnn\", \"vgg\"]\n")
                == "spec.toml:4: model.depth = 2 is out of range: it must be 11, 13, 16 or 19 (VGG-11 … VGG-19) "
                + "with model.arch = \"vgg\"")
        #expect(
            message(head + "\"model.arch\" = [\"cnn\", \"mlp\"]\n[model]\npool = \"max\"\n")
                == "spec.toml:6: model.pool: the mlp has no pooling layers; remove it or use arch cnn")
        #expect(
            message(head + "\"model.width\" = [16, 12]\n[model]\narch = \"cnn\"\nnorm = \"group\"\n")
                == "spec.toml:4: model.groups: 8 groups do not divide 12 channels (model.width = 12); choose a divisor of 12, e.g. 4")
        #expect(
            message(head + "\"model.norm\" = [\"group\", \"none\"]\n[model]\narch = \"cnn\"\ngroups = 4\n")
                == "spec.toml:7: model.groups: only model.norm = \"group\" reads it (model.norm = \"none\"); "
                + "remove it or set model.norm = \"group\"")
    }

    @Test func dataShapeIsAGridAxisAndSetsEachTasksDim() throws {
        let text = """
            [sweep]
            name = "shapes"
            [sweep.grid]
            "data.shape" = [[1, 8, 8], [3, 4, 4], []]
            [data]
            name = "synthetic"
            dim = 48
            """
        // data.dim set in the base must agree with every shape.
        #expect(
            message(text)
                == "spec.toml:4: data.shape: [1, 8, 8] has c·h·w = 64 features but data.dim = 48; "
                + "drop data.dim (the shape sets it) or make the two agree")
        let s = try SweepSpecification.load(tomlText: text.replacingOccurrences(of: "dim = 48", with: "n = 20"), file: "spec.toml")
        #expect(s.tasks.map(\.configuration.data.dim) == [64, 48, 3072])
        #expect(s.tasks.map(\.configuration.data.shape) == [[1, 8, 8], [3, 4, 4], []])
        #expect(
            message("[sweep]\nname = \"s\"\n[sweep.grid]\n\"data.shape\" = [[1, 8, 8], [0, 1, 1]]\n")
                == "spec.toml:4: sweep.grid.data.shape[1] = [0,1,1] is out of range: it must be three integers >= 1")
    }

    @Test func sweepTableErrors() {
        #expect(
            message("[train]\nlr = 0.1\n")
                == "spec.toml: missing key 'sweep.name': add a [sweep] table with name = \"…\" and a [sweep.grid]")
        #expect(
            message("[sweep]\nmax_attempts = 2\n")
                == "spec.toml:1: missing key 'sweep.name': add name = \"…\" (a folder name) under [sweep]")
        #expect(
            message("[sweep]\nname = \"../evil\"\n")
                == "spec.toml:2: sweep.name: \"../evil\" is not a safe folder name: use letters, digits, '.', '_' "
                + "and '-' (not first '.'), at most 100 characters")
        #expect(
            message("[sweep]\nname = \"s\"\nmax_attempt = 2\n")
                == "spec.toml:3: unknown key 'sweep.max_attempt' (did you mean 'sweep.max_attempts'?)")
        #expect(
            message("[sweep]\nname = \"s\"\nliveness = 0\n")
                == "spec.toml:3: sweep.liveness = 0 is out of range: it must be >= 1")
        #expect(
            message("[sweep]\nname = \"s\"\n[model]\nwidht = 3\n")
                == "spec.toml:4: unknown key 'model.widht' (did you mean 'model.width'?)")
    }

    /// The shipped specs parse: the quickstart grid and the single-run example.
    @Test func shippedFilesParse() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let quickstart = try SweepSpecification.load(path: root.appendingPathComponent("sweeps/quickstart.toml").path)
        #expect(quickstart.name == "quickstart" && quickstart.tasks.count == 6)
        #expect(quickstart.gridKeys == ["train.lr", "model.width"])
        #expect(quickstart.base.data.name == .digits && quickstart.base.train.steps == 1000)
        let run = try RunConfiguration.load(path: root.appendingPathComponent("sweeps/examples/digits-run.toml").path)
        var expected = RunConfiguration()
        expected.data.name = .digits
        expected.data.n = 1000
        expected.model.depth = 2
        expected.model.width = 64
        expected.model.activation = .tanh
        expected.loss.name = .mse
        expected.train.lr = 0.25
        expected.train.steps = 1500
        expected.train.precision = .float64
        #expect(run == expected)
    }

    /// Every spec under sweeps/ and every run configuration under sweeps/examples/ loads.
    @Test func everyShippedSpecAndExampleLoads() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let sweeps = root.appendingPathComponent("sweeps")
        let specs = try FileManager.default.contentsOfDirectory(atPath: sweeps.path).filter { $0.hasSuffix(".toml") }
        #expect(specs.count >= 3)
        for name in specs {
            let spec = try SweepSpecification.load(path: sweeps.appendingPathComponent(name).path)
            #expect(!spec.tasks.isEmpty, "\(name)")
        }
        let examples = sweeps.appendingPathComponent("examples")
        for name in try FileManager.default.contentsOfDirectory(atPath: examples.path) where name.hasSuffix(".toml") {
            _ = try RunConfiguration.load(path: examples.appendingPathComponent(name).path)
        }
        let track = try SweepSpecification.load(path: sweeps.appendingPathComponent("cifar10-5k-track.toml").path)
        #expect(track.tasks.count == 4 && track.tasks.allSatisfy { $0.configuration.track.enabled })
    }
}
