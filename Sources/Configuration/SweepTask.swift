/// One task of a sweep: a grid point's full configuration and its task key.
public struct SweepTask: Equatable, Sendable {
    /// The task key (`taskKey(configuration)`): 64 lowercase hex digits.
    public var key: String
    public var configuration: RunConfiguration
    /// `configuration.resolvedJSON()`, the task's `config.json` (computed with the key).
    public var configJSON: String
    /// The grid point: one value per grid axis, in the grid's order.
    public var gridValues: [GridValue]

    /// The value a grid axis (a dotted configuration key) takes in this task.
    public struct GridValue: Equatable, Sendable {
        public var key: String
        public var value: JSONValue
    }
}
