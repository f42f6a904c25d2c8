/// What ``SweepJournal/complete(taskKey:leaseID:summaryJSON:files:resumed:now:)`` did with a result.
public enum CompletionOutcome: Equatable, Sendable {
    /// Recorded; it came under the task's current lease.
    case accepted
    /// Recorded although its lease had expired or was not the task's current one (at-least-once
    /// delivery: the first result of a task wins).
    case acceptedLate
    /// Ignored: the task already has a result.
    case duplicate
    /// Ignored: the journal has no task with this key.
    case unknownTask
    /// Refused: the lease id was never granted for this task (a forged or misdirected result).
    case refused
}
