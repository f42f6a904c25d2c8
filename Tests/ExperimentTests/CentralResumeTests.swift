import Foundation
import Testing
import Experiment

/// A central run keeps `checkpoint.json` like a tracked one (docs/CONFIGURATION.md §2.8): stopped
/// in phase A and again side by side, then resumed, it ends with the bits of an uninterrupted run.
@Suite struct CentralResumeTests {
    /// 10-class digits (mse, several eigenvalues reach 2/η), a small MLP, η = 0.8 (t0 = 42), 10 steps side by side.
    static let toml = """
        [data]
        name = "digits"
        n = 200
        [model]
        depth = 2
        width = 16
        [train]
        lr = 0.8
        steps = 400
        [sharpness]
        every = 5
        tol = 1e-6
        [central]
        enabled = true
        steps = 10
        k = 2
        """

    @Test func aCentralRunStoppedTwiceResumesToTheSameBits() throws {
        let whole = scratchFolder(), parts = scratchFolder()
        defer { for f in [whole, parts] { try? FileManager.default.removeItem(atPath: f) } }
        let config = try configuration(Self.toml)
        let reference = try Experiment.run(config, in: try RunDirectory(path: whole, force: false))
        #expect(Set(reference.files.keys) == ["trace.csv", "central.csv"])
        let start = try #require(firstCentralStep(reference.files["central.csv"]))
        #expect(start > 2, "phase A found the edge at once: the test would not stop inside it")

        final class Rows: @unchecked Sendable { var seen = 0 }
        // Stop in phase A (halfway to the start), then side by side (4 rows after it), then finish.
        _ = try RunDirectory(path: parts, force: false)
        for limit in [start / 2, start + 4] {
            let rows = Rows()
            let stopped = try Experiment.run(
                config, in: RunDirectory(existing: parts),
                options: ExperimentOptions(progress: { rows.seen = $0.step }, shouldStop: { rows.seen >= limit }))
            #expect(stopped.status == .stopped)
            #expect(FileManager.default.fileExists(atPath: parts + "/checkpoint.json"))
        }
        let resumed = try Experiment.run(config, in: RunDirectory(existing: parts))
        #expect(resumed.resumedFromCheckpoint)
        for (name, text) in reference.files {
            #expect(firstDifference(resumed.files[name] ?? "", text) == nil, "\(name)")
        }
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: parts + "/params-final.safetensors"))
                == Data(contentsOf: URL(fileURLWithPath: whole + "/params-final.safetensors")))
        #expect(!FileManager.default.fileExists(atPath: parts + "/checkpoint.json"))
    }

    /// The step of central.csv's first row.
    private func firstCentralStep(_ csv: String?) -> Int? {
        guard let csv else { return nil }
        let lines = csv.split(separator: "\n")
        guard lines.count > 1 else { return nil }
        return Int(lines[1].split(separator: ",")[0])
    }
}
