import Foundation
import RunRecord

/// How `Experiment.run` is hosted: by `eos run` in the foreground, or by a sweep worker.
public struct ExperimentOptions: Sendable {
    /// A relative `data.path` is resolved against this folder (default: the working folder);
    /// when `confineToDataRoot`, a path that leaves it is refused (a worker's `--data-root`).
    public var dataRoot: String?
    public var confineToDataRoot: Bool
    /// When set, the training set is written once per content hash as
    /// `<datasetCache>/<hash>.safetensors` and `data.safetensors` links to it (sweeps).
    public var datasetCache: String?
    /// Seconds between checkpoints of the run's state into its folder; nil = never.
    public var checkpointInterval: Double?
    /// At most this many seconds between appends of new rows to the live `trace.csv` and
    /// `track.csv` while the run goes on (docs/CONFIGURATION.md §5); 0 = after every row.
    public var liveInterval: Double
    /// Called after every trace row (cheap; the caller throttles its display).
    public var progress: (@Sendable (RunProgress) -> Void)?
    /// Polled after every trace row; true stops the run with status `stopped` (SIGTERM).
    public var shouldStop: (@Sendable () -> Bool)?
    /// Told one line when something fails that does not end the run (a checkpoint that cannot be
    /// written); by default written to standard error as `eos: warning: …`.
    public var warn: @Sendable (String) -> Void
    /// Told one line about the run's course worth a note in its log (the central flow's k
    /// growing); by default written to standard error as `eos: …`.
    public var log: @Sendable (String) -> Void

    public init(
        dataRoot: String? = nil, confineToDataRoot: Bool = false, datasetCache: String? = nil,
        checkpointInterval: Double? = nil, liveInterval: Double = 2, progress: (@Sendable (RunProgress) -> Void)? = nil,
        shouldStop: (@Sendable () -> Bool)? = nil,
        warn: @escaping @Sendable (String) -> Void = ExperimentOptions.standardErrorWarning,
        log: @escaping @Sendable (String) -> Void = ExperimentOptions.standardErrorLog
    ) {
        self.dataRoot = dataRoot
        self.confineToDataRoot = confineToDataRoot
        self.datasetCache = datasetCache
        self.checkpointInterval = checkpointInterval
        self.liveInterval = liveInterval
        self.progress = progress
        self.shouldStop = shouldStop
        self.warn = warn
        self.log = log
    }

    /// Writes `eos: warning: <message>` as one line to standard error; a failed write (a full log
    /// disk, often the very reason a checkpoint failed) is dropped, never a trap.
    public static let standardErrorWarning: @Sendable (String) -> Void = { message in
        try? FileHandle.standardError.write(contentsOf: Data("eos: warning: \(message)\n".utf8))
    }

    /// Writes `eos: <message>` as one line to standard error (a failed write is dropped).
    public static let standardErrorLog: @Sendable (String) -> Void = { message in
        try? FileHandle.standardError.write(contentsOf: Data("eos: \(message)\n".utf8))
    }
}

/// Where a run is, for progress bars and worker heartbeats.
public struct RunProgress: Sendable, Equatable {
    /// The trace row just written (absolute GD step).
    public let step: Int
    /// The last row the run will write if nothing stops it early.
    public let totalSteps: Int
    /// "gd", "find-instability", "track" or "central".
    public let phase: String
    public let loss: Double
    /// The latest measured sharpness, if any.
    public let sharpness: Double?
}

/// What a finished (or stopped) run hands back: everything a sweep stores in its journal.
public struct RunOutcome: Sendable, Equatable {
    /// The run's record, as written to `summary.json`.
    public let summary: RunSummary
    /// The text of `summary.json`.
    public let summaryJSON: String
    /// The run directory's CSV files by name (`trace.csv`, and with tracking `track.csv`, …).
    public let files: [String: String]

    public var status: RunStatus { summary.status }
    public var stopReason: RunStopReason { summary.stopReason }
    public var stepsDone: Int { summary.stepsDone }
    /// True when the run continued from a checkpoint found in its folder.
    public var resumedFromCheckpoint: Bool { summary.resumedFromCheckpoint }

    /// Writes `summary.json` into `directory` and returns the outcome it records.
    init(writing summary: RunSummary, files: [String: String], to directory: RunDirectory) throws(ExperimentError) {
        self.summary = summary
        summaryJSON = summary.text
        self.files = files
        try directory.write("summary.json", text: summaryJSON)
    }
}
