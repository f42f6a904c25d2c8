import LinearAlgebra
import Curvature

/// The quantities of docs/THEORY.md §2 at one point θ, all in Float64:
/// - L = L(θ), ∇L = ∇L(θ), S = λ_max(∇²L(θ)) with unit eigenvector u;
/// - ∇S = ∇³L(θ)[u, u] (even in u, so the eigenvector's sign never matters);
/// - ∇S⊥ = ∇S − u (u·∇S);
/// - α = −∇L·∇S⊥ (progressive-sharpening rate), β = ‖∇S⊥‖² (self-stabilization strength);
/// - δ² = 2α/β (defined for any sign of α), δ = √δ² only when α > 0;
/// - γ = α / (‖∇L‖ ‖∇S⊥‖), the alignment of −∇L with ∇S⊥.
///
/// When β is negligible (‖∇S⊥‖ ≤ `negligibleRelativeNorm` · ‖∇S‖, or ∇S = 0) δ² and δ are nil
/// and `betaIsNegligible` says so: the predicted dynamics then drop the δ² term.
/// Every vector is [N].
public struct StabilityQuantities: Sendable, Codable, Equatable {
    /// ‖∇S⊥‖ / ‖∇S‖ at or below this counts as β ~ 0 (the rounding of ∇S − u(u·∇S) is ~1e-16).
    public static let negligibleRelativeNorm = 1e-8

    /// L(θ)
    public let loss: Double
    /// ∇L(θ)
    public let gradient: [Double]
    /// S(θ) = λ_max(∇²L(θ))
    public let sharpness: Double
    /// u, the unit top eigenvector.
    public let eigenvector: [Double]
    /// ∇S = ∇³L(θ)[u, u]
    public let sharpnessGradient: [Double]
    /// ∇S⊥ = ∇S − u (u·∇S)
    public let sharpnessGradientPerp: [Double]
    /// α = −∇L·∇S⊥
    public let alpha: Double
    /// β = ‖∇S⊥‖²
    public let beta: Double
    /// δ² = 2α/β; nil when β is negligible.
    public let deltaSquared: Double?
    /// δ = √(δ²); nil unless α > 0 (and β not negligible).
    public let delta: Double?
    /// γ = α / (‖∇L‖ ‖∇S⊥‖); nil when ∇L or ∇S⊥ is zero.
    public let gamma: Double?
    /// True when β ~ 0: δ² is missing and the δ² term is dropped from the predicted dynamics.
    public let betaIsNegligible: Bool

    /// The derived quantities from L, ∇L, S, u and ∇S (all [N]).
    public init(loss: Double, gradient: [Double], sharpness: Double, eigenvector u: [Double], sharpnessGradient: [Double]) {
        precondition(
            gradient.count == u.count && sharpnessGradient.count == u.count,
            "StabilityQuantities: ∇L has \(gradient.count) entries, u \(u.count), ∇S \(sharpnessGradient.count)")
        self.loss = loss
        self.gradient = gradient
        self.sharpness = sharpness
        eigenvector = u
        self.sharpnessGradient = sharpnessGradient
        let perp = adding(sharpnessGradient, -dot(u, sharpnessGradient), u)
        sharpnessGradientPerp = perp
        let perpNorm = norm(perp)
        let a = -dot(gradient, perp)
        let negligible = perpNorm <= Self.negligibleRelativeNorm * norm(sharpnessGradient)
        let d2 = negligible ? nil : 2 * a / (perpNorm * perpNorm)
        alpha = a
        beta = perpNorm * perpNorm
        betaIsNegligible = negligible
        deltaSquared = d2
        delta = d2.flatMap { a > 0 ? $0.squareRoot() : nil }
        let denominator = norm(gradient) * perpNorm
        gamma = denominator > 0 ? a / denominator : nil
    }

    /// S − 2/η, the sharpness constraint's residual (≤ 0 inside M).
    public func sharpnessResidual(learningRate: Double) -> Double { sharpness - 2 / learningRate }

    /// u·∇L / S, the distance along u to the minimum of the local quadratic (0 on M).
    public var eigenvectorResidual: Double { dot(eigenvector, gradient) / sharpness }

    /// Evaluates L, ∇L (one backward pass), the top eigenpair (a warm-started `solver` solve) and
    /// ∇³L[u, u] (one second-order pass) at θ.
    ///
    /// - Parameters:
    ///   - warmStart: start vectors of the eigen-solve, e.g. the previous point's u.
    ///   - orientedLike: when given, u is flipped if u·reference < 0, so that u (and the odd
    ///     quantities x = u·v reported beside it) keep one orientation along a trajectory.
    public static func evaluate<O: Objective>(
        _ objective: O, at theta: [Double], solver: BlockLanczos<Double>,
        warmStart: [[Double]], orientedLike reference: [Double]? = nil
    )
        -> StabilityQuantities where O.Scalar == Double
    {
        let (loss, gradient) = objective.lossAndGradient(at: theta)
        let pairs = solver.topEigenpairs(of: HessianOperator(objective, at: theta), startVectors: warmStart)
        var u = pairs.eigenvectors[0]
        if let reference, dot(u, reference) < 0 { scale(&u, by: -1) }
        return StabilityQuantities(
            loss: loss, gradient: gradient, sharpness: pairs.eigenvalues[0], eigenvector: u,
            sharpnessGradient: objective.thirdDerivative(at: theta, u))
    }
}
