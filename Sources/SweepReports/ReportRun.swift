import Configuration
import RunRecord

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
    /// The run's `summary.json`; nil before a result.
    var summary: RunSummary?
    /// The last error of a failed task, if any.
    var error: String?
    var trace: CSVTable?
    var track: CSVTable?
    /// central.csv of a central run.
    var central: CSVTable? = nil

    /// `train.optimizer` of the configuration; "gd" when config.json has none (gd leaves it out,
    /// as did every run before optimizers existed).
    var optimizer: String { config["train.optimizer"]?.label ?? "gd" }
    var isPlainGD: Bool { optimizer == "gd" }
    /// Whether the sharpness compared with the threshold is the preconditioned one (adam,
    /// rmsprop: trace.csv's `preconditioned_sharpness`, docs/THEORY.md §11).
    var isPreconditioned: Bool { trace?.has("preconditioned_sharpness") ?? (optimizer == "adam" || optimizer == "rmsprop") }
    /// The trace column compared with the threshold.
    var sharpnessColumn: String { isPreconditioned ? "preconditioned_sharpness" : "sharpness" }
    /// The stability threshold the run recorded (`threshold` of summary.json), or 2/η for a
    /// summary written before thresholds were (a gd run).
    var threshold: Double? { summary?.threshold ?? summary?.twoOverEta }

    /// True when the task or the run failed, or the run diverged: the cell has no trustworthy summary.
    var isFailed: Bool { state == "failed" || summary?.status == .failed }
    var isDiverged: Bool { summary?.status == .diverged }
    /// True for a task still running: its curves are the live files of its folder, so far.
    var isRunning: Bool { state == "leased" }
}
