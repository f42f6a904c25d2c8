import SweepProtocol

/// What the worker's state machine asks its driver to do, in order.
public enum WorkerAction: Equatable, Sendable {
    /// Send `message` on the current socket.
    case send(WorkerMessage)
    /// Start the task on a compute thread; report its progress and outcome back to the machine.
    case startTask(CoordinatorMessage.TaskAssignment)
    /// Ask the running task to stop at its next step (it ends with ``TaskOutcome/stopped``).
    case stopTask
    /// Close the socket, dropping what is queued on it, and connect a new one; the sends that
    /// follow go to the new socket.
    case reconnect
    /// The worker is done: return `WorkerExit` from the driver (always the last action).
    case exit(WorkerExit)
    /// Write one line to the worker's log.
    case log(String)
}
