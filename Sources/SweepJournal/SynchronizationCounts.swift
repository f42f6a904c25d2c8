/// What ``SweepJournal/synchronize(sweepName:specText:toolVersion:tasks:now:)`` changed.
public struct SynchronizationCounts: Equatable, Sendable {
    /// New keys, inserted as queued.
    public var added: Int
    /// Keys already in the journal and still in the grid, left as they were.
    public var kept: Int
    /// Keys no longer in the grid, now stale.
    public var staled: Int
    /// Stale keys back in the grid: done when they have a result, else queued.
    public var revived: Int

    public init(added: Int, kept: Int, staled: Int, revived: Int) {
        self.added = added
        self.kept = kept
        self.staled = staled
        self.revived = revived
    }
}
