/// How a run ended, as `summary.json`'s `status` says it: implied by its ``RunStopReason``.
public enum RunStatus: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// The run ended as planned (stop reason steps, loss_goal, accuracy_goal, steps_after_eos,
    /// lambda2 or no_instability).
    case completed
    /// The loss became non-finite or grew past diverge_factor × the initial loss.
    case diverged
    /// Stopped from outside (SIGTERM, preemption); a checkpoint lets it resume.
    case stopped
    /// An error ended the run; `error` says which.
    case failed

    public var description: String { rawValue }
}
