import Configuration
import Foundation
import Testing
@testable import RunRecord

@Suite struct RunSummaryTests {
    /// A tracked run's summary with every field set (values exactly representable in JSON).
    static var tracked: RunSummary {
        var s = RunSummary(
            stopReason: .lambda2, stepsDone: 812, timings: ["total": 12.5, "gd": 3.25],
            version: "0.1.0", resumedFromCheckpoint: true, blasThreads: 4)
        s.twoOverEta = 5
        s.sharpnessAt = .iterate
        s.eosStep = 301
        s.sharpnessRatioMedian = 0.998
        s.sharpnessRatioP10 = 0.97
        s.sharpnessRatioP90 = 1.02
        s.maxSharpness = 5.4
        s.finalLoss = 0.0183
        s.finalAccuracy = 0.875
        s.lossNonmonotoneSteps = 140
        s.trackStartStep = 300
        s.distMedian = 0.12
        s.distMax = 0.5
        s.predErrorMedian = 0.05
        s.lossPredRelErrorMedian = 0.1
        s.sharpnessPredRelErrorMedian = 0.02
        s.gfDistMedian = 1.5
        s.lambda2MaxRatio = 0.96
        s.centralLossErrorMedian = 0.031
        s.centralDistanceRatio = 0.12
        s.centralDirectionsMax = 5
        s.checkpointError = "/runs/a/checkpoint.json: cannot write (No space left on device)"
        return s
    }

    @Test func theTextReadsBackAsTheSameRecord() throws {
        let s = Self.tracked
        #expect(try RunSummary(parsing: s.text) == s)
        #expect(try JSONDecoder().decode(RunSummary.self, from: JSONEncoder().encode(s)) == s)
    }

    @Test func everyFieldIsWrittenAndWhatDoesNotApplyIsNull() throws {
        var s = RunSummary(stopReason: .steps, stepsDone: 10)
        s.maxSharpness = .nan
        s.finalLoss = .infinity
        guard case .object(let fields) = s.json else { Issue.record("not an object"); return }
        #expect(Set(fields.keys) == Set(RunSummary.Field.allCases.map(\.rawValue)))
        #expect(fields["status"] == .string("completed") && fields["stop_reason"] == .string("steps"))
        #expect(fields["max_sharpness"] == .null && fields["final_loss"] == .null && fields["eos_step"] == .null)
        #expect(fields["blas_threads"] == .null && fields["error"] == .null && fields["checkpoint_error"] == .null)
        #expect(fields["resumed_from_checkpoint"] == .bool(false))
    }

    /// The CSV columns of `eos export` and of a report's summary.csv: the contract's list, in its order.
    @Test func theEdgeOfStabilityColumnsAreTheContractsInItsOrder() {
        #expect(
            RunSummary.Field.edgeOfStability.map(\.rawValue) == [
                "two_over_eta", "sharpness_at", "eos_step", "sharpness_ratio_median", "sharpness_ratio_p10",
                "sharpness_ratio_p90", "max_sharpness", "final_loss", "final_accuracy", "loss_nonmonotone_steps",
                "track_start_step", "dist_median", "dist_max", "pred_error_median", "loss_pred_rel_error_median",
                "sharpness_pred_rel_error_median", "gf_dist_median", "lambda2_max_ratio", "central_loss_error_median",
                "central_distance_ratio", "central_directions_max",
            ])
        // The fields added after the contract's come last, so files written keep their order.
        #expect(RunSummary.Field.allCases.suffix(2) == [.blasThreads, .checkpointError])
    }

    @Test func everyStopReasonImpliesItsStatus() {
        let expected: [RunStopReason: RunStatus] = [
            .steps: .completed, .lossGoal: .completed, .accuracyGoal: .completed, .stepsAfterEdge: .completed,
            .lambda2: .completed, .noInstability: .completed, .diverged: .diverged, .signal: .stopped, .error: .failed,
        ]
        for reason in RunStopReason.allCases { #expect(reason.status == expected[reason], "\(reason)") }
        #expect(RunStatus.allCases.allSatisfy { status in RunStopReason.allCases.contains { $0.status == status } })
    }

    /// A summary written before a field existed still reads; integers written as floats read as integers.
    @Test func anOlderSummaryReadsWithItsMissingFieldsNil() throws {
        let s = try RunSummary(parsing: #"{"status":"diverged","stop_reason":"diverged","steps_done":40,"eos_step":15.0}"#)
        #expect(s.status == .diverged && s.stepsDone == 40 && s.eosStep == 15)
        #expect(s.blasThreads == nil && s.version == nil && s.timings.isEmpty && !s.resumedFromCheckpoint)
    }

    @Test func aFieldOfTheWrongKindIsAnErrorNamingIt() {
        #expect(throws: RunSummaryError.invalid(field: "stop_reason", value: "string \"finished\"")) {
            try RunSummary(parsing: #"{"stop_reason":"finished","steps_done":1}"#)
        }
        #expect(throws: RunSummaryError.invalid(field: "eos_step", value: "string \"soon\"")) {
            try RunSummary(parsing: #"{"stop_reason":"steps","steps_done":1,"eos_step":"soon"}"#)
        }
        #expect(throws: RunSummaryError.missing("steps_done")) { try RunSummary(parsing: #"{"stop_reason":"steps"}"#) }
        #expect(throws: RunSummaryError.notJSON) { try RunSummary(parsing: "{") }
    }

    @Test func csvFieldsAreQuotedOnlyWhereNeeded() {
        #expect(csvField("plain") == "plain")
        #expect(csvField("a,b") == "\"a,b\"")
        #expect(csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(csvField("two\nlines") == "\"two\nlines\"")
        #expect(csvLine(["x", "1,2", ""]) == "x,\"1,2\",")
    }
}
