/// The database half of journal ownership: the `coordinator_lock` row of the coordinator that
/// holds (or last held) the journal. Times are unix seconds.
public struct CoordinatorOwner: Equatable, Sendable {
    public var pid: Int
    public var host: String
    public var started: Double
    /// Refreshed by ``SweepJournal/heartbeat(now:)``.
    public var heartbeat: Double

    public init(pid: Int, host: String, started: Double, heartbeat: Double) {
        self.pid = pid
        self.host = host
        self.started = started
        self.heartbeat = heartbeat
    }
}
