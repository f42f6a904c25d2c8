import SweepProtocol

/// Runs one task on the worker's compute thread. `progress` and `shouldStop` may be called from
/// that thread at any time; the runner returns when the task is finished, stopped or failed.
public protocol TaskRunner: Sendable {
    func run(
        _ task: CoordinatorMessage.TaskAssignment, progress: @escaping @Sendable (WorkerMessage.Progress) -> Void,
        shouldStop: @escaping @Sendable () -> Bool
    ) -> TaskOutcome
}

/// How a task ended on the worker.
public enum TaskOutcome: Equatable, Sendable {
    /// Completed or diverged (a diverged run is a result, not a failure): `summary.json` text,
    /// the run directory's CSV files by name, and whether it continued from a checkpoint.
    case result(summaryJSON: String, files: [String: String], resumedFromCheckpoint: Bool)
    /// Stopped through `shouldStop` before the end; the lease goes back without an attempt.
    case stopped
    /// An error, one line; counts as an attempt.
    case failed(String)
}
