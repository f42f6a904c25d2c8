/// Why a run ended (docs/CONFIGURATION.md §7).
public enum StopReason: String, Sendable, Codable, CaseIterable {
    /// The step budget ran out (status completed).
    case steps
    /// `train.loss_goal`: the loss reached the goal (status completed).
    case lossGoal = "loss_goal"
    /// `train.accuracy_goal`: the training accuracy reached the goal (status completed).
    case accuracyGoal = "accuracy_goal"
    /// `train.steps_after_eos`: that many steps after the sharpness first reached 2/η (status completed).
    case stepsAfterEdge = "steps_after_eos"
    /// λ₂ > 1.9/η at θ† during tracking (status completed).
    case lambda2
    /// Tracking was asked for but GD never became unstable (status completed).
    case noInstability = "no_instability"
    /// The loss became non-finite or exceeded diverge_factor × the initial loss (status diverged).
    case diverged
    /// Stopped from outside: SIGTERM, preemption (status stopped).
    case signal
    /// An error ended the run (status failed).
    case error
}
