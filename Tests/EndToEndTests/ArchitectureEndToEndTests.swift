import Configuration
import Foundation
import SweepJournal
import Testing

/// Every architecture through everything downstream of the engine: a sweep with `model.arch`
/// as a grid axis (journal, export, report), and a tracked run of a CNN (θ†, v⋆, gradient flow).
@Suite(
    "architectures end to end", .serialized,
    .enabled(if: EOSBinary.isAvailable, "the eos binary was not built next to the tests (swift build --build-tests)"))
struct ArchitectureEndToEndTests {
    /// Digits as 1×8×8 images; width 4, depth 1 fits every family but VGG (which needs 32×32).
    static let base = """
        [data]
        name = "digits"
        n = 48
        [model]
        depth = 1
        width = 4
        norm = "none"
        [train]
        steps = 12
        lr = 0.05
        [sharpness]
        every = 4

        """

    @Test("a sweep over model.arch = mlp, cnn, resnet completes; export and report show every task")
    func architectureIsAGridAxis() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("spec.toml", specification(Self.base, grid: [#""model.arch" = ["mlp", "cnn", "resnet"]"#]))
        let sweep = try eos(["sweep", "spec.toml", "--workers", "1", "--out", "out"], in: scratch.path, seconds: 180)
        #expect(sweep.status == 0, "\(sweep.output)")
        let journal = try SweepJournal.openReadOnly(path: scratch.path + "/out/journal.sqlite")
        let tasks = try journal.tasks()
        #expect(tasks.count == 3 && tasks.allSatisfy { $0.state == .done })
        let architectures = try Set(tasks.map { try JSONValue(parsing: $0.configJSON).dottedLeaves["model.arch"].map(canonicalJSON) })
        #expect(architectures == [#""mlp""#, #""cnn""#, #""resnet""#])
        for task in tasks {
            let parameters = try #require(
                FileManager.default.contents(atPath: "\(scratch.path)/out/tasks/\(task.key)/params-final.safetensors"))
            #expect(parameters.count > 8)
        }
        let csv = try eos(["export", "out/journal.sqlite", "--format", "csv"], in: scratch.path)
        #expect(csv.status == 0 && csv.output.split(separator: "\n").count == 4, "\(csv.output)")
        let report = try eos(["report", "out/journal.sqlite", "--out", "report"], in: scratch.path)
        #expect(report.status == 0, "\(report.output)")
        let html = try String(contentsOfFile: scratch.path + "/report/index.html", encoding: .utf8)
        #expect(html.contains("cnn") && html.contains("resnet"))
    }

    @Test("a tracked CNN run writes θ†, v⋆ and gradient-flow rows and their summary fields")
    func trackedConvolutionalRun() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(
            "track.toml",
            """
            [data]
            name = "digits"
            n = 64
            classes_subset = [4, 9]
            [model]
            arch = "cnn"
            depth = 1
            width = 4
            [train]
            lr = 0.6
            steps = 100
            [track]
            enabled = true
            steps = 10
            gradient_flow = true

            """)
        let run = try eos(["run", "track.toml", "--out", "run"], in: scratch.path)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("; cnn depth 1 width 4 avg pool tanh; "), "\(run.output.prefix(600))")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.path + "/run/summary.json")))
                as? [String: Any])
        #expect(summary["stop_reason"] as? String == "steps")
        #expect(summary["track_start_step"] is Int && summary["dist_median"] is Double && summary["gf_dist_median"] is Double)
        let track = try String(contentsOfFile: scratch.path + "/run/track.csv", encoding: .utf8)
        #expect(track.split(separator: "\n").count == 12, "header + 11 rows (the start and 10 steps)")
    }

    @Test("a network that does not fit its input is one line naming the key, exit 1, nothing written")
    func networkThatDoesNotFitIsRefused() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("cnn.toml", Self.base.replacingOccurrences(of: "depth = 1", with: "depth = 4") + "")
        let cases = [
            (["--set", "model.arch=\"cnn\""], "eos: model.depth: 4 pooling blocks need inputs of at least 16×16, the data are 8×8"),
            (
                ["--set", "model.arch=\"vgg\"", "--set", "model.depth=11"],
                "eos: model.arch: VGG-11 pools 5 times and needs inputs of at least 32×32, the data are 8×8"
            ),
        ]
        for (arguments, expected) in cases {
            let run = try eos(["run", "cnn.toml", "--out", "run"] + arguments, in: scratch.path)
            #expect(run.status == 1 && run.output.trimmingCharacters(in: .newlines) == expected, "\(run.output)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path + "/run"))
        }
    }
}
