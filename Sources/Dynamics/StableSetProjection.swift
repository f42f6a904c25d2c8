import LinearAlgebra
import Curvature

/// How proj_M is computed (`track.projection`, docs/CONFIGURATION.md §2.6).
public enum ProjectionMethod: Sendable, Equatable, Codable {
    /// The authors' fixed number K of linearized corrections (`track.projection_steps`, default 3).
    case linearized(steps: Int)
    /// Corrections until both residuals are within `tolerance` (`track.projection_tol`), at most
    /// `maxSteps` of them: max(0, S − 2/η)·η/2 ≤ tolerance (relative to 2/η) and
    /// |u·∇L| / S ≤ tolerance (absolute, in parameter units).
    case converged(tolerance: Double, maxSteps: Int)
}

/// The projection onto the stable set M = { θ : S(θ) ≤ 2/η and ∇L(θ)·u(θ) = 0 } by linearized
/// Newton corrections (docs/THEORY.md §4). One correction at θ, with the quantities of §2 there:
///
///     step_S = −max(0, S − 2/η) · ∇S⊥ / ‖∇S⊥‖²   (skipped when β is negligible; reported)
///     step_u = −u (u·∇L) / S
///     θ ← θ + step_S + step_u
///
/// Both steps are even in u. The quantities at the returned point are evaluated too (K corrections
/// cost K + 1 evaluations), so the caller never recomputes them.
public struct StableSetProjection: Sendable {
    /// The projected point with its quantities and how it was reached.
    public struct Result: Sendable {
        /// proj_M(θ), [N].
        public let point: [Double]
        /// The quantities of §2 at `point`: their residuals are the constraint residuals.
        public let quantities: StabilityQuantities
        /// Corrections applied.
        public let corrections: Int
        /// Corrections whose step_S was skipped because β was negligible while S > 2/η.
        public let skippedSharpnessSteps: Int
        /// For `.converged`: whether the tolerance was met within maxSteps; `.linearized`: true.
        public let converged: Bool
    }

    public let learningRate: Double
    public let method: ProjectionMethod
    /// The top-eigenpair solver (count 1), warm-started from the previous u at every correction.
    public let solver: BlockLanczos<Double>

    public init(learningRate: Double, method: ProjectionMethod, solver: BlockLanczos<Double>) {
        if case .linearized(let k) = method { precondition(k >= 0, "projection steps must be ≥ 0, got \(k)") }
        if case .converged(let tol, let k) = method { precondition(tol > 0 && k >= 0, "projection tolerance must be > 0 and maxSteps ≥ 0") }
        self.learningRate = learningRate
        self.method = method
        self.solver = solver
    }

    /// Whether q meets the `.converged` tolerance.
    public func isWithinTolerance(_ q: StabilityQuantities, tolerance: Double) -> Bool {
        Swift.max(0, q.sharpnessResidual(learningRate: learningRate)) * learningRate / 2 <= tolerance
            && abs(q.eigenvectorResidual) <= tolerance
    }

    /// proj_M(θ), warm-starting the first eigen-solve from `warmStart` and orienting every u like
    /// `orientedLike` (see `StabilityQuantities.evaluate`).
    public func project<O: Objective>(
        _ objective: O, from theta: [Double], warmStart: [[Double]],
        orientedLike reference: [Double]?
    ) -> Result where O.Scalar == Double {
        var point = theta
        var q = StabilityQuantities.evaluate(objective, at: point, solver: solver, warmStart: warmStart, orientedLike: reference)
        var corrections = 0
        var skipped = 0
        while true {
            switch method {
            case .linearized(let k):
                if corrections == k {
                    return Result(point: point, quantities: q, corrections: corrections, skippedSharpnessSteps: skipped, converged: true)
                }
            case .converged(let tol, let k):
                let done = isWithinTolerance(q, tolerance: tol)
                if done || corrections == k {
                    return Result(point: point, quantities: q, corrections: corrections, skippedSharpnessSteps: skipped, converged: done)
                }
            }
            let excess = Swift.max(0, q.sharpnessResidual(learningRate: learningRate))
            if excess > 0 {
                if q.betaIsNegligible { skipped += 1 } else { axpy(-excess / q.beta, q.sharpnessGradientPerp, &point) }
            }
            axpy(-q.eigenvectorResidual, q.eigenvector, &point)
            corrections += 1
            q = StabilityQuantities.evaluate(objective, at: point, solver: solver, warmStart: [q.eigenvector], orientedLike: q.eigenvector)
        }
    }
}
