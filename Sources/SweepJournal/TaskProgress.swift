/// The latest progress of one running task, as its worker reported it in HEARTBEAT (the
/// `progress` table, docs/ARCHITECTURE.md §6). Times are unix seconds.
public struct TaskProgress: Equatable, Sendable {
    public var taskKey: String
    /// The lease the progress was reported under; it counts only while the task holds it.
    public var leaseID: String
    public var worker: String
    /// The trace row just written (absolute GD step) and the last one the run will write.
    public var step: Int
    public var totalSteps: Int
    /// `gd`, `find-instability`, `track`, …
    public var phase: String
    /// The latest training loss and measured sharpness; nil where the worker sent none.
    public var loss: Double?
    public var sharpness: Double?
    /// GD steps per second over the lease so far; nil before two reports.
    public var stepsPerSecond: Double?
    /// When the coordinator last heard this progress.
    public var updated: Double

    public init(
        taskKey: String, leaseID: String, worker: String, step: Int, totalSteps: Int, phase: String,
        loss: Double? = nil, sharpness: Double? = nil, stepsPerSecond: Double? = nil, updated: Double
    ) {
        self.taskKey = taskKey
        self.leaseID = leaseID
        self.worker = worker
        self.step = step
        self.totalSteps = totalSteps
        self.phase = phase
        self.loss = loss
        self.sharpness = sharpness
        self.stepsPerSecond = stepsPerSecond
        self.updated = updated
    }

    /// Seconds until the task's last step at its rate so far; nil without a rate.
    public var secondsRemaining: Double? {
        guard let rate = stepsPerSecond, rate > 0 else { return nil }
        return Double(max(0, totalSteps - step)) / rate
    }

    /// Seconds the whole task takes at its rate so far; nil without a rate.
    public var secondsPerTask: Double? {
        guard let rate = stepsPerSecond, rate > 0 else { return nil }
        return Double(max(1, totalSteps)) / rate
    }
}
