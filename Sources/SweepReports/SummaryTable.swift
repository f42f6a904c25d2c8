import Foundation

/// `summary.csv`: one row per run — `run,key,state,run_status,stop_reason`, one column per grid
/// axis (dotted key), then the EoS summary fields of docs/CONFIGURATION.md §6 in its order. Numbers are
/// written in shortest round-trip form, null and absent fields are empty, text is RFC 4180 quoted.
enum SummaryTable {
    /// The EoS summary fields of docs/CONFIGURATION.md §6, in its order.
    static let summaryFields = [
        "two_over_eta", "sharpness_at", "eos_step", "sharpness_ratio_median", "sharpness_ratio_p10",
        "sharpness_ratio_p90", "max_sharpness", "final_loss", "final_accuracy", "loss_nonmonotone_steps",
        "track_start_step", "dist_median", "dist_max", "pred_error_median", "loss_pred_rel_error_median",
        "sharpness_pred_rel_error_median", "gf_dist_median", "lambda2_max_ratio",
    ]

    static func csv(_ input: ReportInput) -> String {
        var lines = [(["run", "key", "state", "run_status", "stop_reason"] + input.gridKeys + summaryFields)
            .map(field).joined(separator: ",")]
        for run in input.runs {
            let row = [run.label, run.key, run.state, run.runStatus ?? "", run.summary["stop_reason"]?.label ?? ""]
                + input.gridKeys.map { run.grid[$0]?.label ?? "" }
                + summaryFields.map { run.summary[$0]?.label ?? "" }
            lines.append(row.map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
