/// Why a run ended, as `summary.json`'s `stop_reason` says it (the engine's own reason, bridged
/// by the Experiment module).
public enum RunStopReason: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// The step budget ran out.
    case steps
    /// `train.loss_goal`: the loss reached the goal.
    case lossGoal = "loss_goal"
    /// `train.accuracy_goal`: the training accuracy reached the goal.
    case accuracyGoal = "accuracy_goal"
    /// `train.steps_after_eos`: that many steps after the sharpness first reached 2/η (eos_step).
    case stepsAfterEdge = "steps_after_eos"
    /// λ₂ > 1.9/η at θ† during tracking.
    case lambda2
    /// Tracking was asked for but GD never became unstable.
    case noInstability = "no_instability"
    /// The loss became non-finite or exceeded diverge_factor × the initial loss.
    case diverged
    /// Stopped from outside: SIGTERM, preemption.
    case signal
    /// An error ended the run.
    case error

    /// The run status this reason implies.
    public var status: RunStatus {
        switch self {
        case .steps, .lossGoal, .accuracyGoal, .stepsAfterEdge, .lambda2, .noInstability: .completed
        case .diverged: .diverged
        case .signal: .stopped
        case .error: .failed
        }
    }

    public var description: String { rawValue }
}
