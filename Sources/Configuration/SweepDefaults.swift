/// The `[sweep]` settings a specification leaves out: the one place their defaults are written
/// (the specification and the coordinator's settings both start from these; they reach workers
/// in WELCOME and TASK).
public enum SweepDefaults {
    /// Attempts (FAILs and expired leases) after which a task is marked failed.
    public static let maxAttempts = 3
    /// Seconds between task checkpoints.
    public static let checkpointEvery = 300.0
    /// Seconds between heartbeats, in both directions.
    public static let heartbeatInterval = 1.0
    /// Heartbeat intervals without traffic before a peer is taken for dead.
    public static let liveness = 3
}
