/// Progress of a sweep and its ETA (`eos status`). Durations are seconds.
public struct Progress: Equatable, Sendable {
    /// Mean of finished − started over done tasks that have both; nil before the first result.
    public var averageTaskDuration: Double?
    /// Queued + leased tasks.
    public var remaining: Int
    /// ⌈remaining / activeWorkers⌉ × averageTaskDuration: the workers take the remaining tasks
    /// in rounds. 0 when nothing remains; nil without a duration or without workers.
    public var estimatedTimeRemaining: Double?

    public init(averageTaskDuration: Double?, remaining: Int, activeWorkers: Int) {
        self.averageTaskDuration = averageTaskDuration
        self.remaining = remaining
        if remaining == 0 {
            estimatedTimeRemaining = 0
        } else if let averageTaskDuration, activeWorkers > 0 {
            let rounds = (remaining + activeWorkers - 1) / activeWorkers
            estimatedTimeRemaining = Double(rounds) * averageTaskDuration
        } else {
            estimatedTimeRemaining = nil
        }
    }
}
