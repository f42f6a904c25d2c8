import LinearAlgebra

/// The top-k eigenpairs of a symmetric operator as an eigen-solver found them, with the
/// diagnostics needed to judge them.
///
/// For i in 0..<k: `eigenvalues[i]` = θᵢ (descending, θ₀ ≥ θ₁ ≥ …), `eigenvectors[i]` = yᵢ
/// (unit, [N]), `residualNorms[i]` = ‖A yᵢ − θᵢ yᵢ‖₂ (absolute, in the operator's units).
/// For a symmetric A some eigenvalue lies within `residualNorms[i]` of θᵢ, and within
/// ‖r‖²/gap when θᵢ is separated by `gap` from the rest of the spectrum.
///
/// Sign convention: every eigenvector has its largest-magnitude entry positive (the first such
/// entry on ties), so files are reproducible; within a repeated eigenvalue the vectors are some
/// orthonormal basis of the eigenspace, not a canonical one.
public struct Eigenpairs<Scalar: BLASScalar>: Sendable, Equatable {
    /// Why the solver stopped.
    public enum StopReason: String, Sendable, Equatable {
        /// Every pair met the residual tolerance, or the Krylov basis spans all of ℝᴺ.
        case converged
        /// The operator-application budget ran out first; the pairs are the best found.
        case applicationBudgetExhausted
        /// The operator returned NaN or ±inf; the pairs are those of the last finite
        /// Rayleigh–Ritz step (eigenvalues NaN when there was none).
        case nonFiniteValues
    }

    /// θ₀ ≥ θ₁ ≥ … ≥ θ_{k−1}.
    public let eigenvalues: [Scalar]
    /// yᵢ, unit norm, [N] each, sign-normalized (see above).
    public let eigenvectors: [[Scalar]]
    /// ‖A yᵢ − θᵢ yᵢ‖₂.
    public let residualNorms: [Scalar]
    /// Number of matrix–vector products A·v the solve used.
    public let operatorApplications: Int
    /// Number of explicit restarts of the Krylov basis.
    public let restarts: Int
    /// The relative residual tolerance actually applied (see `BlockLanczos.tolerance`).
    public let tolerance: Scalar
    public let stopReason: StopReason

    /// True when every pair met the tolerance (or the basis spanned ℝᴺ).
    public var converged: Bool { stopReason == .converged }

    public init(
        eigenvalues: [Scalar], eigenvectors: [[Scalar]], residualNorms: [Scalar],
        operatorApplications: Int, restarts: Int, tolerance: Scalar, stopReason: StopReason
    ) {
        precondition(
            eigenvalues.count == eigenvectors.count && eigenvalues.count == residualNorms.count,
            "Eigenpairs: \(eigenvalues.count) values, \(eigenvectors.count) vectors, \(residualNorms.count) residuals")
        self.eigenvalues = eigenvalues
        self.eigenvectors = eigenvectors
        self.residualNorms = residualNorms
        self.operatorApplications = operatorApplications
        self.restarts = restarts
        self.tolerance = tolerance
        self.stopReason = stopReason
    }
}
