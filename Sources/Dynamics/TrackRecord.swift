/// One row of `track.csv` (docs/CONFIGURATION.md §5): GD θ_t, the constrained trajectory θ†_t and the predicted
/// displacement v⋆_t at absolute step t (before update t); u and ∇S⊥ are taken at θ†_t.
/// nil fields are empty CSV cells / JSON null.
public struct TrackRecord: Sendable, Equatable, Codable {
    public let step: Int
    /// L(θ_t)
    public let gdLoss: Double
    /// S(θ_t) measured at the iterate (includes the flipping x(u·∇S) term); nil on a diverged iterate.
    public let gdSharpness: Double?
    /// L(θ†_t)
    public let daggerLoss: Double
    /// S(θ†_t)
    public let daggerSharpness: Double
    /// S(θ†_t) − 2/η
    public let daggerResidualS: Double
    /// u·∇L(θ†_t) / S(θ†_t)
    public let daggerResidualU: Double
    /// |u_t·u_{t−1}| between consecutive θ† eigenvectors; nil on the first row.
    public let uOverlap: Double?
    /// x = u·(θ_t − θ†_t)
    public let x: Double
    /// y = ∇S⊥·(θ_t − θ†_t)
    public let y: Double
    /// u·v⋆_t
    public let predX: Double
    /// ∇S⊥·v⋆_t
    public let predY: Double
    public let alpha: Double
    public let beta: Double
    /// δ² = 2α/β; nil when β ~ 0.
    public let delta2: Double?
    /// δ; nil unless α > 0.
    public let delta: Double?
    public let gamma: Double?
    /// ‖θ_t − θ†_t‖
    public let dist: Double
    /// ‖v⋆_t‖
    public let predDist: Double
    /// ‖θ_t − θ†_t − v⋆_t‖ (absolute)
    public let predError: Double
    /// L(θ†_t) + ½ S(θ†_t) x²
    public let predLoss: Double
    /// S(θ†_t) + y
    public let predSharpness: Double
    /// L(θ_gf) of gradient flow at time ηt from θ_{t0}; nil without gradient flow.
    public let gfLoss: Double?
    /// ‖θ_gf − θ†_t‖; nil without gradient flow.
    public let gfDist: Double?

    /// The CSV header, in the order of docs/CONFIGURATION.md §5 (gf columns only with gradient flow).
    public static func columns(gradientFlow: Bool) -> [String] {
        [
            "step", "gd_loss", "gd_sharpness", "dagger_loss", "dagger_sharpness", "dagger_residual_S", "dagger_residual_u",
            "u_overlap", "x", "y", "pred_x", "pred_y", "alpha", "beta", "delta2", "delta", "gamma", "dist", "pred_dist",
            "pred_error", "pred_loss", "pred_sharpness",
        ] + (gradientFlow ? ["gf_loss", "gf_dist"] : [])
    }

    /// The row's values in the order of `columns(gradientFlow:)` (step as a Double).
    public func values(gradientFlow: Bool) -> [Double?] {
        [
            Double(step), gdLoss, gdSharpness, daggerLoss, daggerSharpness, daggerResidualS, daggerResidualU, uOverlap,
            x, y, predX, predY, alpha, beta, delta2, delta, gamma, dist, predDist, predError, predLoss, predSharpness,
        ]
            + (gradientFlow ? [gfLoss, gfDist] : [])
    }
}
