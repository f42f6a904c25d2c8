import Configuration
import Foundation
import SweepJournal
import Testing

/// The transformer on the tokens data set through the `eos` binary: bad configurations end with
/// one line naming the key and exit status 1; a sweep over `model.heads` completes (journal,
/// export, report); a tracked run writes θ†, v⋆ and its summary fields.
@Suite(
    "transformer end to end", .serialized,
    .enabled(if: EOSBinary.isAvailable, "the eos binary was not built next to the tests (swift build --build-tests)"))
struct TransformerEndToEndTests {
    static let base = """
        [data]
        name = "tokens"
        n = 32
        vocab = 8
        length = 6
        [model]
        arch = "transformer"
        depth = 1
        width = 8
        [loss]
        name = "logistic"
        [train]
        steps = 12
        lr = 0.05
        [sharpness]
        every = 4

        """

    @Test("bad transformer and tokens configurations: one line naming the key, exit 1")
    func badInput() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("run.toml", Self.base)
        // Without data.vocab and data.length, which another data set refuses before the architecture.
        try scratch.write("defaults.toml", Self.base.replacingOccurrences(of: "vocab = 8\nlength = 6\n", with: ""))
        let cases: [(file: String, set: [String], expected: String)] = [
            ("run.toml", ["model.heads=3"], "model.heads: 3 heads do not divide model.width = 8"),
            ("run.toml", ["data.vocab=3"], "data.vocab = 3 is out of range: it must be >= 4"),
            ("run.toml", ["data.length=1"], "data.length = 1 is out of range: it must be >= 2"),
            ("defaults.toml", ["data.name=digits"], "model.arch: a transformer reads token sequences; use data.name = \"tokens\""),
            ("defaults.toml", ["data.name=synthetic"], "model.arch: a transformer reads token sequences"),
            ("run.toml", ["data.name=digits"], "data.vocab: only the tokens data set reads it"),
            ("run.toml", ["model.arch=mlp"], "model.arch: the tokens data set is token sequences, which only the transformer reads"),
            ("run.toml", ["model.arch=cnn"], "model.arch: the tokens data set is token sequences"),
            ("run.toml", ["loss.name=ce"], "loss.name: ce is refused with data.name = \"tokens\""),
            ("run.toml", ["data.standardize=none"], "data.standardize: data.name = \"tokens\" does not read it"),
            ("run.toml", ["data.n=0"], "data.n: the tokens source is unbounded"),
        ]
        for (file, overrides, expected) in cases {
            let arguments = ["run", file, "--out", "run"] + overrides.flatMap { ["--set", $0] }
            let (status, output) = try eos(arguments, in: scratch.path)
            #expect(status == 1, "\(overrides): \(output)")
            #expect(output.split(separator: "\n").count == 1 && output.hasPrefix("eos: "), "\(overrides): \(output)")
            #expect(output.contains(expected), "\(overrides): '\(output)' lacks \(expected)")
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/run/summary.json"))
    }

    @Test("a sweep over model.heads on tokens completes; data.safetensors holds the rule; export and report show every task")
    func headsAreAGridAxis() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("spec.toml", specification(Self.base, grid: [#""model.heads" = [1, 2, 4]"#]))
        let sweep = try eos(["sweep", "spec.toml", "--workers", "1", "--out", "out"], in: scratch.path, seconds: 180)
        #expect(sweep.status == 0, "\(sweep.output)")
        let journal = try SweepJournal.openReadOnly(path: scratch.path + "/out/journal.sqlite")
        let tasks = try journal.tasks()
        #expect(tasks.count == 3 && tasks.allSatisfy { $0.state == .done })
        for task in tasks {
            let folder = "\(scratch.path)/out/tasks/\(task.key)"
            let config = try String(contentsOfFile: folder + "/config.json", encoding: .utf8)
            #expect(config.contains("\"heads\"") && config.contains("\"vocab\": 8") && !config.contains("standardize"))
            let data = try #require(FileManager.default.contents(atPath: folder + "/data.safetensors"))
            let header = String(decoding: data.prefix(2000), as: UTF8.self)
            #expect(header.contains("\"polarity\"") && header.contains("\"negator\""))
            let trace = try String(contentsOfFile: folder + "/trace.csv", encoding: .utf8)
            #expect(trace.split(separator: "\n").count == 14, "header + 13 rows")
        }
        let csv = try eos(["export", "out/journal.sqlite", "--format", "csv"], in: scratch.path)
        #expect(csv.status == 0 && csv.output.split(separator: "\n").count == 4, "\(csv.output)")
        let report = try eos(["report", "out/journal.sqlite", "--out", "report"], in: scratch.path)
        #expect(report.status == 0, "\(report.output)")
        let html = try String(contentsOfFile: scratch.path + "/report/index.html", encoding: .utf8)
        #expect(html.contains("transformer") && html.contains("tokens"))
    }

    @Test("a tracked transformer run writes θ†, v⋆ and gradient-flow rows and their summary fields")
    func trackedTransformerRun() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // η = 1: the sharpness rises from about 1 to 2/η within a few steps.
        let toml = Self.base.replacingOccurrences(of: "steps = 12\nlr = 0.05", with: "steps = 300\nlr = 1.0")
        try scratch.write("track.toml", toml + "[track]\nenabled = true\nsteps = 10\ngradient_flow = true\n")
        let run = try eos(["run", "track.toml", "--out", "run"], in: scratch.path, seconds: 300)
        #expect(run.status == 0, "\(run.output)")
        // The header names the network as configured (it once said "mlp" for every architecture).
        #expect(run.output.contains("; transformer depth 1 width 8 heads 2 "), "\(run.output.prefix(600))")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.path + "/run/summary.json")))
                as? [String: Any])
        #expect(summary["stop_reason"] as? String == "steps", "\(summary)")
        #expect(summary["track_start_step"] is Int && summary["dist_median"] is Double && summary["gf_dist_median"] is Double)
        let track = try String(contentsOfFile: scratch.path + "/run/track.csv", encoding: .utf8)
        #expect(track.split(separator: "\n").count == 12, "header + 11 rows (the start and 10 steps)")
    }
}
