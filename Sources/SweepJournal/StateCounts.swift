/// How many tasks of a journal are in each state (`eos status`).
public struct StateCounts: Equatable, Sendable {
    public var queued: Int
    /// Shown as "running".
    public var leased: Int
    public var done: Int
    public var failed: Int
    public var stale: Int

    public init(queued: Int = 0, leased: Int = 0, done: Int = 0, failed: Int = 0, stale: Int = 0) {
        self.queued = queued
        self.leased = leased
        self.done = done
        self.failed = failed
        self.stale = stale
    }

    /// Tasks of the current grid: everything but stale.
    public var inGrid: Int { queued + leased + done + failed }
}
