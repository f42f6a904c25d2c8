import Synchronization
import SweepProtocol

/// The lock-protected hand-over between the worker's network thread (which owns the socket)
/// and its compute thread: progress and the outcome go one way, the stop request the other.
final class ComputeMailbox: Sendable {
    private struct State {
        var progress: WorkerMessage.Progress?
        var outcome: TaskOutcome?
        var stopRequested = false
    }

    private let state = Mutex(State())

    /// Compute thread: the latest progress (overwrites the previous one).
    func post(progress: WorkerMessage.Progress) { state.withLock { $0.progress = progress } }
    /// Compute thread: the task has ended.
    func post(outcome: TaskOutcome) { state.withLock { $0.outcome = outcome } }
    /// Network thread: ask the task to stop at its next step.
    func requestStop() { state.withLock { $0.stopRequested = true } }

    var stopRequested: Bool { state.withLock { $0.stopRequested } }
    var progress: WorkerMessage.Progress? { state.withLock { $0.progress } }
    /// Network thread: the outcome, once the compute thread posted it.
    var outcome: TaskOutcome? { state.withLock { $0.outcome } }
}
