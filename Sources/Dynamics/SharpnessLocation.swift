/// Where a sharpness S = λ_max(∇²L) is measured (docs/THEORY.md §8: every reported sharpness says where).
public enum SharpnessLocation: String, Sendable, Codable, CaseIterable {
    /// At the iterate θ_t: includes the x(u·∇S) term that flips sign every step at EoS.
    case iterate
    /// At the step midpoint θ_t − (η/2)∇L(θ_t), which cancels that oscillation.
    case midpoint
}
