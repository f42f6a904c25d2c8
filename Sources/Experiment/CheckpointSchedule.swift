import Foundation

/// When a run writes its periodic checkpoint (every `ExperimentOptions.checkpointInterval`
/// seconds), and what became of those writes: a write that fails does not stop the run — it is
/// reported through `ExperimentOptions.warn` with its path and reason, and the last such failure
/// goes into the summary (`checkpoint_error`), since a run killed after it resumes from an older
/// checkpoint or none (a stop by SIGTERM writes its own checkpoint).
struct CheckpointSchedule {
    private let interval: Double?
    private let warn: @Sendable (String) -> Void
    private var last = WallClock.now()
    /// The last failed write, as one line naming the file and the reason; nil while all succeeded.
    private(set) var failure: String?

    init(options: ExperimentOptions) {
        interval = options.checkpointInterval
        warn = options.warn
    }

    /// True (and the clock restarted) when `interval` seconds have passed since the last checkpoint.
    mutating func isDue() -> Bool {
        guard let interval, WallClock.now() - last >= interval else { return false }
        last = WallClock.now()
        return true
    }

    /// Writes a checkpoint with `write` when one is due.
    mutating func writeIfDue(_ write: () throws(ExperimentError) -> Void) {
        guard isDue() else { return }
        do { try write() } catch {
            failure = error.description
            warn("checkpoint not written: \(error.description)")
        }
    }
}
