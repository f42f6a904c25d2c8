/// A task handed to a worker: the answer of ``SweepJournal/lease(worker:now:leaseDuration:)``.
public struct Lease: Equatable, Sendable {
    /// 64 lowercase hex digits.
    public var taskKey: String
    /// Random, unique among the journal's current leases; RESULT, FAIL and renewals carry it.
    public var leaseID: String
    /// The task's resolved configuration, JSON text as given to `synchronize`.
    public var configJSON: String
    /// 1 for the first attempt: the task's ended attempts + 1.
    public var attempt: Int
    /// Unix seconds after which ``SweepJournal/expireLeases(now:maxAttempts:)`` takes the task back.
    public var deadline: Double
    public var worker: String
    /// The task's grid values, JSON text of an object from dotted key to value (as synchronized).
    public var gridJSON: String
    /// The session token of the worker it was granted to (READY `session`); nil when it sent none.
    public var session: String?

    public init(
        taskKey: String, leaseID: String, configJSON: String, attempt: Int, deadline: Double, worker: String,
        gridJSON: String = "{}", session: String? = nil
    ) {
        self.taskKey = taskKey
        self.leaseID = leaseID
        self.configJSON = configJSON
        self.attempt = attempt
        self.deadline = deadline
        self.worker = worker
        self.gridJSON = gridJSON
        self.session = session
    }
}
