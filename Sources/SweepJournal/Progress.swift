/// Progress of a sweep and its ETA (`eos status`). Durations are seconds.
public struct Progress: Equatable, Sendable {
    /// Mean of finished − started over done tasks that have both; nil before the first result.
    public var averageTaskDuration: Double?
    /// Queued + leased tasks.
    public var remaining: Int
    /// ⌈remaining / activeWorkers⌉ × averageTaskDuration: the workers take the remaining tasks
    /// in rounds (or, from step rates, the estimate of the other initializer). 0 when nothing
    /// remains; nil without a duration or without workers.
    public var estimatedTimeRemaining: Double?

    /// The ETA from step rates (`eos sweep`, `eos status`): the running tasks finish after
    /// (total − step)/rate each, a queued task takes `averageTaskDuration` (else the mean of
    /// total/rate of the running ones), and `workers` share the work:
    /// max(longest running remainder, (Σ running remainders + queued × task duration) / workers).
    /// A running task without a rate counts a whole task duration. Nil when no duration is known.
    public init(averageTaskDuration: Double?, queued: Int, running: [TaskProgress], leased: Int, workers: Int) {
        self.averageTaskDuration = averageTaskDuration
        remaining = queued + leased
        guard remaining > 0 else {
            estimatedTimeRemaining = 0
            return
        }
        let perTask = running.compactMap(\.secondsPerTask)
        let duration = averageTaskDuration ?? (perTask.isEmpty ? nil : perTask.reduce(0, +) / Double(perTask.count))
        let known = running.compactMap(\.secondsRemaining)
        let unknown = leased - known.count
        guard let duration else {
            estimatedTimeRemaining = queued == 0 && unknown == 0 ? known.max() : nil
            return
        }
        let work = known.reduce(0, +) + Double(unknown + queued) * duration
        let longest = known.max() ?? (unknown > 0 ? duration : 0)
        estimatedTimeRemaining = max(longest, work / Double(max(1, workers)))
    }

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
