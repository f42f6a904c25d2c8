import RunRecord

/// `summary.csv`: one row per run (stale tasks with a result last, state `stale`) —
/// `run,key,state,run_status,stop_reason`, one column per grid axis (dotted key), then the EoS
/// summary fields (`RunSummary.Field.edgeOfStability`), and `threshold` when a run has another
/// optimizer than gd (docs/THEORY.md §11). Numbers
/// are written in shortest round-trip form, null and absent fields are empty, text is RFC 4180 quoted.
enum SummaryTable {
    static func csv(_ input: ReportInput) -> String {
        let fields = RunSummary.Field.edgeOfStability + (input.runs.allSatisfy(\.isPlainGD) ? [] : [.threshold])
        var lines = [csvLine(["run", "key", "state", "run_status", "stop_reason"] + input.gridKeys + fields.map(\.rawValue))]
        for run in input.runs + input.staleRuns {
            let row =
                [run.label, run.key, run.state, run.summary?.status.rawValue ?? "", run.summary?.stopReason.rawValue ?? ""]
                + input.gridKeys.map { run.grid[$0]?.label ?? "" }
                + fields.map { run.summary?[$0].label ?? "" }
            lines.append(csvLine(row))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
