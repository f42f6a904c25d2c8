import Testing
import Foundation
import Configuration
@testable import Experiment

/// A fresh folder under /tmp, removed by the caller.
func scratchFolder() -> String {
    let path = "/tmp/eos-experiment-" + UUID().uuidString.prefix(8).lowercased()
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func configuration(_ toml: String) throws -> RunConfiguration {
    try RunConfiguration.load(tomlText: toml, file: "test.toml")
}

/// docs/THEORY.md §5's binary task: digits 4 vs 9 (all 361 images, one output, mse on ±1 targets),
/// MLP 64→32→32→1 tanh, η = 0.4, tracked with gradient flow.
func binaryDigitsTracking(budget: Int, trackedSteps: Int) throws -> RunConfiguration {
    try configuration(
        """
        [data]
        n = 0
        classes_subset = [4, 9]
        [model]
        width = 32
        [train]
        lr = 0.4
        steps = \(budget)
        [track]
        enabled = true
        steps = \(trackedSteps)
        gradient_flow = true

        """)
}

func csvRows(_ text: String) -> [[String: String]] {
    let lines = text.split(separator: "\n").map(String.init)
    let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    return lines.dropFirst().map { line in
        Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
    }
}

/// The first line where two texts differ (both lines), or nil when they are equal.
func firstDifference(_ a: String, _ b: String) -> String? {
    let la = a.split(separator: "\n", omittingEmptySubsequences: false)
    let lb = b.split(separator: "\n", omittingEmptySubsequences: false)
    for i in 0..<max(la.count, lb.count) {
        let x = i < la.count ? String(la[i]) : "<none>", y = i < lb.count ? String(lb[i]) : "<none>"
        if x != y { return "line \(i + 1): \(x) | \(y)" }
    }
    return nil
}

func summary(_ outcome: RunOutcome) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(outcome.summaryJSON.utf8)) as? [String: Any])
}

@Suite struct RunDirectoryTests {
    @Test func aNonEmptyFolderIsRefusedWithoutForceAndKeptIntact() throws {
        let folder = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "precious".write(toFile: folder + "/notes.txt", atomically: true, encoding: .utf8)
        #expect(throws: ExperimentError.outputNotEmpty(path: folder)) { try RunDirectory(path: folder, force: false) }
        #expect(try String(contentsOfFile: folder + "/notes.txt", encoding: .utf8) == "precious")
        _ = try RunDirectory(path: folder, force: true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        #expect(ExperimentError.outputNotEmpty(path: folder).description.contains("--force"))
    }
}

extension RunDirectoryTests {
    /// Workers sharing a dataset cache may write the same file at once: every writer succeeds
    /// and the file is always one writer's whole content.
    @Test func concurrentWritersOfOneFileAllSucceed() throws {
        let folder = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let directory = RunDirectory(existing: folder)
        let failures = Atomic(0)
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            let bytes = [UInt8](repeating: UInt8(i), count: 200_000)
            do { try directory.write("shared.bin", bytes: bytes) } catch { failures.add() }
        }
        #expect(failures.value == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/shared.bin"))
        #expect(data.count == 200_000 && Set(data).count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["shared.bin"])
    }
}

/// A counter shared by the threads of one test.
final class Atomic: @unchecked Sendable {
    private let lock = NSLock()
    private var count: Int
    init(_ value: Int) { count = value }
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

@Suite(.serialized) struct ExperimentRunTests {
    static let small = """
        [data]
        n = 200
        [model]
        depth = 2
        width = 16
        [train]
        lr = 0.5
        steps = 60
        [sharpness]
        every = 7
        k = 2

        """

    @Test func aPlainRunWritesTheWholeRunDirectory() throws {
        let folder = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let c = try configuration(Self.small)
        let outcome = try Experiment.run(c, in: try RunDirectory(path: folder, force: false))
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        #expect(
            files == [
                "config.json", "summary.json", "trace.csv", "data.safetensors", "params-init.safetensors",
                "params-final.safetensors",
            ])
        #expect(outcome.status == .completed && outcome.stopReason == .steps && outcome.stepsDone == 60)
        let rows = csvRows(outcome.files["trace.csv"]!)
        #expect(rows.count == 61)
        #expect(outcome.files["trace.csv"]!.hasPrefix("step,loss,accuracy,grad_norm,sharpness,sharpness_at,eig2\n"))
        // Measured at 0, every 7 steps, and at the last step; k = 2 eigenvalues in descending order.
        let measured = rows.filter { !$0["sharpness"]!.isEmpty }.map { Int($0["step"]!)! }
        #expect(measured == Array(stride(from: 0, through: 56, by: 7)) + [60])
        for r in rows where !r["sharpness"]!.isEmpty {
            #expect(Double(r["sharpness"]!)! >= Double(r["eig2"]!)!)
            #expect(r["sharpness_at"] == "iterate")
        }
        let s = try summary(outcome)
        for key in [
            "status", "stop_reason", "steps_done", "two_over_eta", "sharpness_at", "eos_step", "sharpness_ratio_median",
            "sharpness_ratio_p10", "sharpness_ratio_p90", "max_sharpness", "final_loss", "final_accuracy",
            "loss_nonmonotone_steps", "timings", "version", "track_start_step", "dist_median", "dist_max",
            "pred_error_median", "loss_pred_rel_error_median", "sharpness_pred_rel_error_median",
            "gf_dist_median", "lambda2_max_ratio", "central_loss_error_median", "central_distance_ratio",
            "central_directions_max",
        ] {
            #expect(s[key] != nil, "summary.json lacks \(key)")
        }
        #expect(s["track_start_step"] is NSNull)
        #expect((s["final_loss"] as? Double) == Double(rows.last!["loss"]!))
        // The parameter files hold θ₀ and θ_T under PyTorch's names and shapes.
        let final = try Safetensors(contentsOf: URL(fileURLWithPath: folder + "/params-final.safetensors"))
        #expect(
            Set(final.tensors.keys) == [
                "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                "layers.2.weight", "layers.2.bias",
            ])
        #expect(final.tensors["layers.0.weight"]!.shape == [16, 64] && final.tensors["layers.2.weight"]!.shape == [10, 16])
        let data = try Safetensors(contentsOf: URL(fileURLWithPath: folder + "/data.safetensors"))
        #expect(data.tensors["x"]!.shape == [200, 64] && data.tensors["y"]!.shape == [200, 10] && data.tensors["labels"]!.shape == [200])
        #expect(data.tensors["x"]!.dtype == .f64)
    }

    /// A tracked run is deterministic, and one stopped in phase A and again in phase B, then
    /// resumed from its checkpoints, ends with the same bits as an uninterrupted run.
    @Test func trackedRunsAreDeterministicAndResumeExactly() throws {
        let a = scratchFolder(), b = scratchFolder(), c = scratchFolder()
        defer { for f in [a, b, c] { try? FileManager.default.removeItem(atPath: f) } }
        let config = try binaryDigitsTracking(budget: 300, trackedSteps: 20)
        let first = try Experiment.run(config, in: try RunDirectory(path: a, force: false))
        let second = try Experiment.run(config, in: try RunDirectory(path: b, force: false))
        #expect(first.files == second.files)
        #expect(Set(first.files.keys) == ["trace.csv", "track.csv", "beta.csv", "track-slow.csv", "profile.csv"])
        #expect(FileManager.default.fileExists(atPath: a + "/params-track-start.safetensors"))
        let finalA = try Data(contentsOf: URL(fileURLWithPath: a + "/params-final.safetensors"))
        #expect(finalA == (try Data(contentsOf: URL(fileURLWithPath: b + "/params-final.safetensors"))))

        let t0 = try #require(try summary(first)["track_start_step"] as? Int)
        final class Rows: @unchecked Sendable { var seen = 0 }
        // Stop in phase A (after t0 / 2 rows), then in phase B (a few tracked rows later), then finish.
        for limit in [t0 / 2, t0 + 6] {
            let rows = Rows()
            let stopped = try Experiment.run(
                config, in: RunDirectory(existing: c),
                options: ExperimentOptions(
                    progress: { rows.seen = $0.step }, shouldStop: { rows.seen >= limit }))
            #expect(stopped.status == .stopped)
            #expect(FileManager.default.fileExists(atPath: c + "/checkpoint.json"))
        }
        let resumed = try Experiment.run(config, in: RunDirectory(existing: c))
        #expect(resumed.resumedFromCheckpoint)
        for (name, text) in first.files {
            #expect(firstDifference(resumed.files[name] ?? "", text) == nil, "\(name)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: c + "/params-final.safetensors")) == finalA)
        #expect(!FileManager.default.fileExists(atPath: c + "/checkpoint.json"))
    }

    @Test func aStoppedRunResumesFromItsCheckpointToTheSameResult() throws {
        let whole = scratchFolder(), parts = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: whole); try? FileManager.default.removeItem(atPath: parts) }
        let c = try configuration(Self.small)
        let reference = try Experiment.run(c, in: try RunDirectory(path: whole, force: false))

        final class Counter: @unchecked Sendable { var rows = 0 }
        let counter = Counter()
        let stopped = try Experiment.run(
            c, in: try RunDirectory(path: parts, force: false),
            options: ExperimentOptions(
                shouldStop: {
                    counter.rows += 1; return counter.rows > 25
                }))
        #expect(stopped.status == .stopped && stopped.stopReason == .signal)
        #expect(FileManager.default.fileExists(atPath: parts + "/checkpoint.safetensors"))
        let resumed = try Experiment.run(c, in: RunDirectory(existing: parts))
        #expect(resumed.resumedFromCheckpoint)
        #expect(resumed.files == reference.files)
        #expect(!FileManager.default.fileExists(atPath: parts + "/checkpoint.safetensors"))
    }

    /// The default warning writes to standard error; on a full device (a full log disk is often
    /// why the checkpoint failed) the write fails and the run goes on — no trap.
    @Test func theDefaultWarningSurvivesAnUnwritableStandardError() throws {
        let full = open("/dev/full", O_WRONLY)
        try #require(full >= 0)
        let saved = dup(STDERR_FILENO)
        defer { close(full); close(saved) }
        dup2(full, STDERR_FILENO)
        ExperimentOptions.standardErrorWarning("checkpoint.safetensors: No space left on device")
        dup2(saved, STDERR_FILENO)
    }

    /// A periodic checkpoint that cannot be written does not stop the run, but is not silent: a
    /// warning names the file and the reason, and the summary's `checkpoint_error` records it.
    @Test func aCheckpointThatCannotBeWrittenIsWarnedAboutAndRecorded() throws {
        let folder = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/checkpoint.safetensors"
        final class Warnings: @unchecked Sendable { var lines: [String] = [] }
        let warnings = Warnings()
        // After the run has looked for a checkpoint to resume, a non-empty folder takes the
        // checkpoint's name: every write (a rename onto it) fails.
        let outcome = try Experiment.run(
            try configuration(Self.small), in: try RunDirectory(path: folder, force: false),
            options: ExperimentOptions(
                checkpointInterval: 0,
                progress: { p in
                    guard p.step == 0 else { return }
                    try? FileManager.default.createDirectory(atPath: target + "/blocked", withIntermediateDirectories: true)
                }, warn: { warnings.lines.append($0) }))
        #expect(outcome.status == .completed && outcome.stepsDone == 60)
        #expect(!warnings.lines.isEmpty && warnings.lines.allSatisfy { $0.contains(target) && $0.contains("cannot write") })
        let recorded = try #require(outcome.summary.checkpointError)
        #expect(recorded.contains(target) && recorded.contains("cannot write"))
        #expect(try summary(outcome)["checkpoint_error"] as? String == recorded)
    }

    @Test func float32RunsStoreFloat32FilesAndAgreeWithFloat64() throws {
        let a = scratchFolder(), b = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: a); try? FileManager.default.removeItem(atPath: b) }
        let r64 = try Experiment.run(try configuration(Self.small), in: try RunDirectory(path: a, force: false))
        let float32 = Self.small.replacingOccurrences(of: "steps = 60\n", with: "steps = 60\nprecision = \"float32\"\n")
        let r32 = try Experiment.run(try configuration(float32), in: try RunDirectory(path: b, force: false))
        for name in ["params-init.safetensors", "params-final.safetensors", "data.safetensors"] {
            let file = try Safetensors(contentsOf: URL(fileURLWithPath: b + "/" + name))
            #expect(file.tensors.values.allSatisfy { $0.dtype == .f32 || $0.dtype == .i64 }, "\(name) is not float32")
        }
        // 60 steps of GD in Float32 stay within Float32 rounding of the Float64 run.
        let l64 = try #require(try summary(r64)["final_loss"] as? Double)
        let l32 = try #require(try summary(r32)["final_loss"] as? Double)
        #expect(abs(l32 - l64) <= 1e-4 * l64)
        let s64 = try #require(try summary(r64)["max_sharpness"] as? Double)
        let s32 = try #require(try summary(r32)["max_sharpness"] as? Double)
        #expect(abs(s32 - s64) <= 1e-3 * s64)
    }
}
