import Testing
import Foundation
import Configuration
import Dynamics
@testable import Experiment

/// Runs with an optimizer other than gd (docs/THEORY.md §11): what their run directory holds,
/// and that a stopped one resumes from its checkpoint — θ, the optimizer's buffers and both
/// warm starts — to the same bits as an uninterrupted run.
@Suite struct OptimizerRunTests {
    static func small(_ train: String, sharpness: String = "every = 7\nk = 2") -> String {
        """
        [data]
        n = 200
        [model]
        depth = 2
        width = 16
        [train]
        steps = 60
        \(train)
        [sharpness]
        \(sharpness)

        """
    }

    @Test func anAdamRunWritesThePreconditionedSharpnessAndItsThreshold() throws {
        let folder = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let c = try configuration(Self.small("optimizer = \"adam\"\nlr = 0.01"))
        let outcome = try Experiment.run(c, in: try RunDirectory(path: folder, force: false))
        let text = outcome.files["trace.csv"]!
        #expect(text.hasPrefix("step,loss,accuracy,grad_norm,sharpness,sharpness_at,eig2,preconditioned_sharpness\n"))
        let rows = csvRows(text)
        let measured = rows.filter { !$0["sharpness"]!.isEmpty }
        #expect(measured.map { Int($0["step"]!)! } == Array(stride(from: 0, through: 56, by: 7)) + [60])
        #expect(measured.allSatisfy { Double($0["preconditioned_sharpness"]!) != nil })
        #expect(rows.filter { $0["sharpness"]!.isEmpty }.allSatisfy { $0["preconditioned_sharpness"]!.isEmpty })
        let s = try summary(outcome)
        let threshold = try #require(s["threshold"] as? Double)
        #expect(abs(threshold - 38 / 0.01) < 1e-9 && s["two_over_eta"] as? Double == 200)
        // eos_step and the ratios are the preconditioned sharpness against 38/η.
        let compared = measured.map { (step: Int($0["step"]!)!, s: Double($0["preconditioned_sharpness"]!)!) }
        let eos = compared.first { $0.s >= threshold }?.step
        #expect(s["eos_step"] as? Int == eos)
        if let eos {
            let c = (2 + 2 * 0.9) / (1 - 0.9)  // 38, as Optimizer.stabilityConstant forms it
            let ratios = compared.filter { $0.step >= eos }.map { $0.s * 0.01 / c }
            #expect(try #require(s["sharpness_ratio_median"] as? Double) == quantile(ratios, 0.5))
        }
        // max_sharpness stays the plain λ_max.
        #expect(s["max_sharpness"] as? Double == measured.map { Double($0["sharpness"]!)! }.max())
        let config = try String(contentsOfFile: folder + "/config.json", encoding: .utf8)
        #expect(config.contains("\"optimizer\": \"adam\"") && config.contains("\"beta2\": 0.999"))
    }

    @Test func momentumRunsHaveNoExtraColumnAndAGDRunIsAsBefore() throws {
        let a = scratchFolder(), b = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: a); try? FileManager.default.removeItem(atPath: b) }
        let polyak = try Experiment.run(
            try configuration(Self.small("optimizer = \"nesterov\"\nlr = 0.2")), in: try RunDirectory(path: a, force: false))
        #expect(polyak.files["trace.csv"]!.hasPrefix("step,loss,accuracy,grad_norm,sharpness,sharpness_at,eig2\n"))
        let threshold = try #require(try summary(polyak)["threshold"] as? Double)
        #expect(abs(threshold - 3.8 / 2.8 / 0.2) < 1e-12)
        let gd = try Experiment.run(try configuration(Self.small("lr = 0.5")), in: try RunDirectory(path: b, force: false))
        #expect(try summary(gd)["threshold"] as? Double == 4 && summary(gd)["two_over_eta"] as? Double == 4)
        let config = try String(contentsOfFile: b + "/config.json", encoding: .utf8)
        #expect(!config.contains("optimizer") && !config.contains("momentum") && !config.contains("beta2"))
    }

    /// The checkpoint of a stopped run holds the optimizer's state; resumed, the run ends with
    /// the same trace and θ, bit for bit, as one that was never stopped.
    @Test(arguments: [
        "optimizer = \"adam\"\nlr = 0.01", "optimizer = \"rmsprop\"\nlr = 0.003", "optimizer = \"polyak\"\nlr = 0.2",
    ])
    func aStoppedRunResumesWithItsOptimizerStateBitForBit(_ train: String) throws {
        let whole = scratchFolder(), parts = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: whole); try? FileManager.default.removeItem(atPath: parts) }
        for at in ["iterate", "midpoint"] {
            let c = try configuration(Self.small(train, sharpness: "every = 7\nk = 2\nat = \"\(at)\""))
            let reference = try Experiment.run(c, in: try RunDirectory(path: whole, force: true))

            final class Counter: @unchecked Sendable { var rows = 0 }
            let counter = Counter()
            let stopped = try Experiment.run(
                c, in: try RunDirectory(path: parts, force: true),
                options: ExperimentOptions(shouldStop: {
                    counter.rows += 1; return counter.rows > 25
                }))
            #expect(stopped.status == .stopped)
            let checkpoint = try Safetensors(contentsOf: URL(fileURLWithPath: parts + "/checkpoint.safetensors"))
            let adaptive = !train.contains("polyak")
            #expect((checkpoint.tensors["momentum"] != nil) == !train.contains("rmsprop"))
            #expect((checkpoint.tensors["squares"] != nil) == adaptive)
            #expect((checkpoint.tensors["preconditioned_warm_start"] != nil) == adaptive)
            let resumed = try Experiment.run(c, in: RunDirectory(existing: parts))
            #expect(resumed.resumedFromCheckpoint)
            #expect(resumed.files == reference.files, "\(train) at \(at)")
            for name in ["params-final.safetensors", "trace.csv"] {
                #expect(
                    try Data(contentsOf: URL(fileURLWithPath: parts + "/" + name))
                        == Data(contentsOf: URL(fileURLWithPath: whole + "/" + name)), "\(name): \(train) at \(at)")
            }
            for field in ["eos_step", "sharpness_ratio_median", "max_sharpness", "final_loss", "threshold"] {
                #expect("\(try summary(resumed)[field] ?? "-")" == "\(try summary(reference)[field] ?? "-")", "\(field)")
            }
        }
    }
}
