/// Why a worker stopped serving tasks.
public enum WorkerExit: Equatable, Sendable {
    /// The coordinator said the sweep is finished.
    case finished
    /// Stopped by a signal or by the coordinator; the current task, if any, was given back.
    case stopped
    /// No coordinator was heard for the silence timeout.
    case coordinatorSilent
    /// Local mode: the sweep that started this worker is gone and every result was handed in.
    case orphaned
}
