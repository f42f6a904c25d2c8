import Configuration

/// One run in a report: a task of a sweep or a run directory, with the files the figures read.
struct ReportRun {
    /// A short identifier: the grid values ("train.lr=0.1 model.width=32"), else the task key's
    /// first 12 digits or the run directory's name.
    var label: String
    /// The task key (64 hex digits); empty for a run directory.
    var key: String
    /// The journal state (queued | leased | done | failed | stale); "done" for a run directory.
    var state: String
    /// Grid values by dotted key (empty for a run directory).
    var grid: [String: JSONValue]
    /// The resolved configuration by dotted key.
    var config: [String: JSONValue]
    /// `summary.json` (top-level fields); empty before a result.
    var summary: [String: JSONValue]
    /// The last error of a failed task, if any.
    var error: String?
    var trace: CSVTable?
    var track: CSVTable?

    /// `summary.json`'s `status` (completed | diverged | stopped | failed), nil without a result.
    var runStatus: String? { summary["status"]?.string }

    /// η (train.lr).
    var learningRate: Double? { config["train.lr"]?.number }

    /// True when the task or the run failed, or the run diverged: the cell has no trustworthy summary.
    var isFailed: Bool { state == "failed" || runStatus == "failed" }
    var isDiverged: Bool { runStatus == "diverged" }
}
