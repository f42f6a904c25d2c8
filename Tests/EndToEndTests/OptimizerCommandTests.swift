import Foundation
import Testing

/// `train.optimizer` through the command line (docs/CONFIGURATION.md §2.4): bad values are one
/// line naming the key with exit status 1, and the optimizer is a sweep axis whose export names
/// each task's threshold.
@Suite(
    "optimizers through eos run, eos sweep and eos export", .serialized,
    .enabled(if: EOSBinary.isAvailable, "the eos binary was not built next to the tests (swift build --build-tests)"))
struct OptimizerCommandTests {
    @Test("bad optimizer keys: one line naming the key, exit 1, nothing written")
    func badInput() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("ok.toml", configuration(steps: 2))
        let cases: [(set: [String], expected: String)] = [
            (["train.optimizer=adamw"], "eos: --set: train.optimizer: unknown value \"adamw\" (did you mean \"adam\"?)"),
            (["train.optimizer=polyak", "train.momentum=1"], "eos: --set: train.momentum = 1 is out of range: it must be in [0, 1)"),
            (["train.optimizer=adam", "train.beta2=1"], "eos: --set: train.beta2 = 1 is out of range: it must be in (0, 1)"),
            (["train.optimizer=rmsprop", "train.epsilon=0"], "eos: --set: train.epsilon = 0 is out of range: it must be > 0"),
            (["train.momentum=0.5"], "eos: --set: train.momentum: train.optimizer = \"gd\" has no momentum"),
            (["train.optimizer=adam", "track.enabled=true"], "eos: --set: train.optimizer: tracking (track.enabled = true) follows"),
        ]
        for (set, expected) in cases {
            let (status, output) = try eos(["run", "ok.toml", "--out", "run"] + set.flatMap { ["--set", $0] }, in: scratch.path)
            #expect(status == 1, "\(set): \(output)")
            #expect(output.split(separator: "\n").count == 1 && output.hasPrefix(expected), "\(set): \(output)")
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/run"))
    }

    @Test("optimizer as a sweep axis: each task's threshold in the export")
    func optimizerAxis() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let base = configuration(steps: 6, every: 3).replacingOccurrences(of: "steps = 6\n", with: "steps = 6\nlr = 0.1\n")
        try scratch.write("spec.toml", specification(base, grid: [#""train.optimizer" = ["gd", "nesterov", "adam"]"#]))
        let (status, output) = try eos(["sweep", "spec.toml", "--workers", "1", "--out", "out"], in: scratch.path)
        #expect(status == 0, "\(output)")
        let (exported, csv) = try eos(["export", "out/journal.sqlite", "--format", "csv"], in: scratch.path)
        #expect(exported == 0, "\(csv)")
        let rows = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(rows.first)
        #expect(header.contains("threshold") && header.contains("train.optimizer"))
        let thresholds = Dictionary(
            uniqueKeysWithValues: rows.dropFirst().map {
                ($0[header.firstIndex(of: "train.optimizer")!], Double($0[header.firstIndex(of: "threshold")!]) ?? .nan)
            })
        #expect(thresholds["gd"] == 20)
        #expect(abs(thresholds["nesterov"]! - 3.8 / 2.8 / 0.1) < 1e-9 && abs(thresholds["adam"]! - 380) < 1e-9)
    }
}
