import Testing
import Foundation
import Configuration
@testable import Experiment

/// The stop rules end a plain run early, at the row that meets them, with their own
/// `stop_reason`; the trace is the uninterrupted run's up to that row, also across a resume.
@Suite(.serialized) struct StopRuleRunTests {
    /// Digits, a narrow tanh MLP at η = 0.8: the sharpness reaches 2/η at step 45 of 150.
    static let base = """
        [data]
        n = 200
        [model]
        width = 16
        [train]
        lr = 0.8
        steps = 150
        [sharpness]
        every = 5

        """

    func run(_ toml: String, options: ExperimentOptions = ExperimentOptions(), in folder: String? = nil) throws -> RunOutcome {
        let path = folder ?? scratchFolder()
        defer { if folder == nil { try? FileManager.default.removeItem(atPath: path) } }
        return try Experiment.run(try configuration(toml), in: RunDirectory(existing: path), options: options)
    }

    @Test func eachRuleStopsAtItsRowWithItsReason() throws {
        let reference = try run(Self.base)
        let rows = csvRows(reference.files["trace.csv"]!)
        let eos = try #require(reference.summary.eosStep, "the reference run must reach 2/η")
        try #require(eos > 0 && eos + 12 < 150 && rows.count == 151)
        func prefix(_ outcome: RunOutcome) -> Bool {
            reference.files["trace.csv"]!.hasPrefix(outcome.files["trace.csv"]!)
        }

        let edge = try run(Self.base.replacingOccurrences(of: "steps = 150\n", with: "steps = 150\nsteps_after_eos = 12\n"))
        #expect(edge.stopReason == .stepsAfterEdge && edge.status == .completed)
        #expect(edge.stepsDone == eos + 12 && edge.summary.eosStep == eos && prefix(edge))
        #expect(csvRows(edge.files["trace.csv"]!).count == eos + 13)

        // The loss goal: the first row at or below the loss of row 40 of the reference.
        let goalLoss = try #require(Double(rows[40]["loss"]!))
        let lossStop = rows.firstIndex { Double($0["loss"]!)! <= goalLoss }!
        let loss = try run(Self.base.replacingOccurrences(of: "steps = 150\n", with: "steps = 150\nloss_goal = \(goalLoss)\n"))
        #expect(loss.stopReason == .lossGoal && loss.stepsDone == lossStop && prefix(loss))

        let goalAccuracy = try #require(Double(rows[30]["accuracy"]!))
        let accuracyStop = rows.firstIndex { Double($0["accuracy"]!)! >= goalAccuracy }!
        let accuracy = try run(
            Self.base.replacingOccurrences(of: "steps = 150\n", with: "steps = 150\naccuracy_goal = \(goalAccuracy)\n"))
        #expect(accuracy.stopReason == .accuracyGoal && accuracy.stepsDone == accuracyStop && prefix(accuracy))
        #expect(try summary(accuracy)["stop_reason"] as? String == "accuracy_goal")
        #expect(try summary(accuracy)["status"] as? String == "completed")
    }

    /// A run stopped after the edge and resumed from its checkpoint still counts from the edge it
    /// saw before the stop (the checkpoint's rows).
    @Test func aResumedRunCountsFromTheEdgeBeforeItsStop() throws {
        let toml = Self.base.replacingOccurrences(of: "steps = 150\n", with: "steps = 150\nsteps_after_eos = 12\n")
        let whole = try run(toml)
        let eos = try #require(whole.summary.eosStep)
        let folder = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        final class Seen: @unchecked Sendable { var step = 0 }
        let seen = Seen()
        let stopped = try run(
            toml, options: ExperimentOptions(progress: { seen.step = $0.step }, shouldStop: { seen.step >= eos + 4 }), in: folder)
        #expect(stopped.status == .stopped)
        let resumed = try run(toml, in: folder)
        #expect(resumed.resumedFromCheckpoint && resumed.stopReason == .stepsAfterEdge)
        #expect(resumed.files == whole.files && resumed.stepsDone == eos + 12)
    }
}
