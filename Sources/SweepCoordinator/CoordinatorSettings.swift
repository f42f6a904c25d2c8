import Configuration

/// The timing and retry rules a coordinator applies (the `[sweep]` table, docs/CONFIGURATION.md §3).
public struct CoordinatorSettings: Equatable, Sendable {
    /// FAILs and expired leases after which a task is marked failed, ≥ 1.
    public var maxAttempts: Int
    /// Seconds between heartbeats in both directions, > 0.
    public var heartbeatInterval: Double
    /// Heartbeat intervals without traffic before a worker is taken for dead, ≥ 1.
    public var liveness: Int
    /// Seconds between task checkpoints, > 0 (travels to workers in WELCOME and TASK).
    public var checkpointEvery: Double

    public init(
        maxAttempts: Int = SweepDefaults.maxAttempts, heartbeatInterval: Double = SweepDefaults.heartbeatInterval,
        liveness: Int = SweepDefaults.liveness, checkpointEvery: Double = SweepDefaults.checkpointEvery
    ) {
        precondition(
            maxAttempts >= 1 && heartbeatInterval > 0 && liveness >= 1 && checkpointEvery > 0,
            "CoordinatorSettings: maxAttempts ≥ 1, heartbeatInterval > 0, liveness ≥ 1, checkpointEvery > 0")
        self.maxAttempts = maxAttempts
        self.heartbeatInterval = heartbeatInterval
        self.liveness = liveness
        self.checkpointEvery = checkpointEvery
    }

    /// The settings of a sweep specification.
    public init(_ specification: SweepSpecification) {
        self.init(
            maxAttempts: specification.maxAttempts, heartbeatInterval: specification.heartbeatInterval,
            liveness: specification.liveness, checkpointEvery: specification.checkpointEvery)
    }

    /// Seconds a lease (and a silent worker) lasts without traffic: heartbeat_interval × liveness.
    public var leaseDuration: Double { heartbeatInterval * Double(liveness) }
}
