/// What ``SweepJournal/fail(taskKey:leaseID:error:maxAttempts:now:)`` did with a failure.
public enum FailureOutcome: Equatable, Sendable {
    /// The attempt counted and the task is queued again; `attempts` ended so far.
    case requeued(attempts: Int)
    /// The attempt counted and reached max_attempts: the task is failed with this error.
    case failed(attempts: Int)
    /// Ignored: the lease id is not the task's current lease (expired, or re-leased to another
    /// worker), so the failure of an old holder cannot touch the new lease.
    case ignored
}
