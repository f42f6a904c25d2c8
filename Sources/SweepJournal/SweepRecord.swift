/// The `sweep` row: which sweep a journal holds. Times are unix seconds.
public struct SweepRecord: Equatable, Sendable {
    public var name: String
    /// The spec TOML of the latest synchronization, verbatim.
    public var specText: String
    /// Version of the eos that last synchronized the journal.
    public var toolVersion: String
    public var created: Double
    public var updated: Double
}
