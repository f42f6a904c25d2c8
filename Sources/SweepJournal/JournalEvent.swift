/// One row of the journal's audit log (`event` table). Every state change of a task writes
/// one; the coordinator may add its own (workers joining, protocol errors) with
/// ``SweepJournal/record(event:)``.
public struct JournalEvent: Equatable, Sendable {
    /// Assigned by the journal (increasing); nil for an event not yet recorded.
    public var id: Int64?
    /// Unix seconds.
    public var time: Double
    public var kind: Kind
    public var taskKey: String?
    public var worker: String?
    /// Free text, one line.
    public var detail: String?

    public init(
        id: Int64? = nil, time: Double, kind: Kind, taskKey: String? = nil,
        worker: String? = nil, detail: String? = nil
    ) {
        self.id = id
        self.time = time
        self.kind = kind
        self.taskKey = taskKey
        self.worker = worker
        self.detail = detail
    }

    /// What happened (`event.kind`); open so that the coordinator can name its own kinds.
    public struct Kind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let coordinatorStarted = Kind(rawValue: "coordinator_started")
        /// The previous owner row belonged to a coordinator whose OS lock was free (it died).
        public static let coordinatorTakeover = Kind(rawValue: "coordinator_takeover")
        public static let coordinatorStopped = Kind(rawValue: "coordinator_stopped")
        public static let sweepSynchronized = Kind(rawValue: "sweep_synchronized")
        public static let taskStaled = Kind(rawValue: "task_staled")
        public static let taskRevived = Kind(rawValue: "task_revived")
        public static let taskLeased = Kind(rawValue: "task_leased")
        public static let taskCompleted = Kind(rawValue: "task_completed")
        /// A result from a lease that is no longer the task's current one, accepted.
        public static let lateResult = Kind(rawValue: "late_result")
        /// A result for a task that already has one, ignored.
        public static let duplicateResult = Kind(rawValue: "duplicate_result")
        /// A result under a lease id never granted for its task, refused.
        public static let refusedResult = Kind(rawValue: "refused_result")
        /// A result for a key the journal does not know, ignored.
        public static let unknownResult = Kind(rawValue: "unknown_result")
        /// A FAIL that requeued the task.
        public static let attemptFailed = Kind(rawValue: "attempt_failed")
        /// The task reached max_attempts and is marked failed.
        public static let taskFailed = Kind(rawValue: "task_failed")
        public static let taskGivenBack = Kind(rawValue: "task_given_back")
        public static let leaseExpired = Kind(rawValue: "lease_expired")
        /// A FAIL or give-back carrying a lease id that is not the task's current lease, ignored.
        public static let foreignLeaseIgnored = Kind(rawValue: "foreign_lease_ignored")
    }
}
