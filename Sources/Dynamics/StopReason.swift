/// Why a run ended (docs/CONFIGURATION.md §7).
public enum StopReason: String, Sendable, Codable, CaseIterable {
    /// The step budget ran out (status completed).
    case steps
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
