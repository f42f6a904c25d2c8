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
    public var gridJSON: String = "{}"
}
