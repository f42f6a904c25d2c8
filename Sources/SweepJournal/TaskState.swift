/// The state of a task in the journal (`task.state`). `leased` is shown as "running".
///
/// queued → leased → done | queued (failed or expired attempt, or given back) | failed
/// (attempts reached max_attempts); any state → stale when the task leaves the grid, and
/// stale → done (it has a result) | queued when it comes back.
public enum TaskState: String, CaseIterable, Codable, Sendable {
    case queued, leased, done, failed, stale
}
