import LinearAlgebra
import Curvature

/// Which predicted dynamics v⋆ follows (`track.generalized`, docs/CONFIGURATION.md §2.6).
public enum PredictedDynamics: String, Sendable, Codable, CaseIterable {
    /// v ← v − η [ ((x² − δ²)/2) ∇S⊥ + H v + u x y ]
    case standard
    /// v ← v − η [ ((x² − δ²)/2) ∇S⊥ + H v⊥ + u (u·∇L(θ† + x u)) + u x y ],  v⊥ = v − x u
    case generalized
}

/// One step of the predicted displacement v⋆ of docs/THEORY.md §5, with the Taylor center θ†_t:
/// x = u·v, y = ∇S⊥·v, H = ∇²L(θ†_t), u, ∇S⊥, δ² taken at θ†_t (the given quantities).
/// When β is negligible δ² is missing and the δ² term is dropped (x²/2 ∇S⊥ remains).
/// The update is even in u. Costs one HVP at θ†_t (plus one gradient for `.generalized`).
///
/// - Parameters:
///   - v: v⋆_t, [N].
///   - center: θ†_t, [N]; `quantities` are those at θ†_t.
/// - Returns: v⋆_{t+1}, [N].
public func predictedDisplacementStep<O: Objective>(
    _ v: [Double], objective: O, center: [Double], quantities q: StabilityQuantities,
    learningRate eta: Double, dynamics: PredictedDynamics
) -> [Double] where O.Scalar == Double {
    let u = q.eigenvector
    let x = dot(u, v)
    let y = dot(q.sharpnessGradientPerp, v)
    var force = [Double](repeating: 0, count: v.count)
    axpy((x * x - (q.deltaSquared ?? 0)) / 2, q.sharpnessGradientPerp, &force)
    switch dynamics {
    case .standard:
        axpy(1, objective.hessianVectorProduct(at: center, v), &force)
        axpy(x * y, u, &force)
    case .generalized:
        let perp = adding(v, -x, u)
        axpy(1, objective.hessianVectorProduct(at: center, perp), &force)
        let alongLine = dot(u, objective.lossAndGradient(at: adding(center, x, u)).gradient)
        axpy(alongLine + x * y, u, &force)
    }
    return adding(v, -eta, force)
}
