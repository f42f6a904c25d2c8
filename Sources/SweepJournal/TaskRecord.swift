/// One task as the journal knows it (a `task` row joined with its `result`), for `eos status`,
/// `export` and `report`. Times are unix seconds.
public struct TaskRecord: Equatable, Sendable {
    /// 64 lowercase hex digits.
    public var key: String
    /// Position in the grid of the last synchronization (the leasing order).
    public var ordinal: Int
    public var state: TaskState
    /// For a stale task, the state it had when it left the grid ("done" once it has a result).
    public var staleFrom: TaskState?
    /// Ended attempts: failed, expired, or completed under the current lease.
    public var attempts: Int
    /// The worker of the latest lease.
    public var worker: String?
    /// The error of the latest failed or expired attempt; nil once done.
    public var lastError: String?
    public var configJSON: String
    /// The task's grid values: JSON object from dotted config key to value.
    public var gridJSON: String
    /// `summary.json` of the run; nil until a result arrives.
    public var summaryJSON: String?
    /// Whether the run that produced the result resumed from a checkpoint; nil without result.
    public var resumedFromCheckpoint: Bool?
    /// The current lease (32 hex digits) while the task is leased.
    public var leaseID: String?
    public var leaseDeadline: Double?
    /// Start of the latest lease.
    public var started: Double?
    /// Time of the result, or of the final failure.
    public var finished: Double?
}
