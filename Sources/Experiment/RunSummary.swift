import Configuration
import Dynamics

/// `summary.json` (docs/CONFIGURATION.md §5 and §6): status,
/// stop_reason, steps_done, the EoS fields as top-level keys, the tracking fields (null without
/// tracking), `timings` in seconds, `version`, and `error` (null unless failed). Every field is
/// always present; numbers that are not finite are null.
struct RunSummary {
    var stopReason: StopReason
    var stepsDone: Int
    var eos: EdgeOfStabilitySummary
    var tracking: [String: JSONValue] = [:]
    var timings: [String: Double]
    var error: String?
    var resumedFromCheckpoint: Bool

    static let trackingKeys = [
        "track_start_step", "dist_median", "dist_max", "pred_error_median", "loss_pred_rel_error_median",
        "sharpness_pred_rel_error_median", "gf_dist_median", "lambda2_max_ratio",
    ]

    var json: JSONValue {
        var fields: [String: JSONValue] = [
            "status": .string(stopReason.status),
            "stop_reason": .string(stopReason.rawValue),
            "steps_done": .integer(stepsDone),
            "two_over_eta": number(eos.twoOverEta),
            "sharpness_at": .string(eos.sharpnessAt.rawValue),
            "eos_step": eos.eosStep.map { .integer($0) } ?? .null,
            "sharpness_ratio_median": number(eos.sharpnessRatioMedian),
            "sharpness_ratio_p10": number(eos.sharpnessRatioP10),
            "sharpness_ratio_p90": number(eos.sharpnessRatioP90),
            "max_sharpness": number(eos.maxSharpness),
            "final_loss": number(eos.finalLoss),
            "final_accuracy": number(eos.finalAccuracy),
            "loss_nonmonotone_steps": .integer(eos.lossNonmonotoneSteps),
            "timings": .object(timings.mapValues { number($0) }),
            "version": .string(ToolVersion.current),
            "error": error.map { .string($0) } ?? .null,
            "resumed_from_checkpoint": .bool(resumedFromCheckpoint),
        ]
        for key in RunSummary.trackingKeys { fields[key] = tracking[key] ?? .null }
        return .object(fields)
    }

    var text: String { prettyJSON(json) }
}

/// A JSON number, or null when missing or not finite.
func number(_ x: Double?) -> JSONValue {
    guard let x, x.isFinite else { return .null }
    return .number(x)
}

/// The version written into every `summary.json` and journal.
public enum ToolVersion {
    public static let current = "0.1.0"
}
