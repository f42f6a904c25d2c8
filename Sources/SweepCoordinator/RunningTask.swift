import SweepJournal

/// A task a worker of this coordinator runs now, as `eos sweep` shows it: its name, its worker
/// and the latest progress the worker reported (docs/ARCHITECTURE.md §5, HEARTBEAT).
public struct RunningTask: Equatable, Sendable {
    public var taskKey: String
    /// The task's grid values (``TaskName/label(key:gridJSON:)``).
    public var label: String
    public var worker: String
    /// The trace row just written and the last one; 0 before the first report.
    public var step: Int
    public var totalSteps: Int
    /// "" before the first report.
    public var phase: String
    public var loss: Double?
    public var sharpness: Double?
    /// GD steps per second since the lease's first report; nil before a second one.
    public var stepsPerSecond: Double?
}
