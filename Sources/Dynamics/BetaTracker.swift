import LinearAlgebra
import Curvature

/// The β_{s→t} tracker of docs/THEORY.md §6, started at θ†_s:
///
///     r_s = ∇S⊥_s,  r_{k+1} = (I − η ∇²L(θ†_k)) P⊥_{u_k} r_k,  β_{s→t} = ∇S⊥_t · r_t
///
/// with P⊥_u r = r − u (u·r). So β_{s→s} = β_s; β_{s→t} ≈ 0 for t > s is the regime where the
/// 2-D map holds. Even in u. One HVP per step.
public struct BetaTracker: Sendable, Codable, Equatable {
    /// s, the absolute step it started at.
    public let start: Int
    /// r_t, [N].
    public var direction: [Double]

    public init(start: Int, quantities: StabilityQuantities) {
        self.start = start
        direction = quantities.sharpnessGradientPerp
    }

    /// β_{s→t} with the quantities at θ†_t.
    public func beta(_ q: StabilityQuantities) -> Double { dot(q.sharpnessGradientPerp, direction) }

    /// r_t → r_{t+1} with H = ∇²L(θ†_t) at `center` and u_t from `q`.
    public mutating func advance<O: Objective>(
        objective: O, center: [Double], quantities q: StabilityQuantities,
        learningRate eta: Double
    ) where O.Scalar == Double {
        let perp = adding(direction, -dot(q.eigenvector, direction), q.eigenvector)
        direction = adding(perp, -eta, objective.hessianVectorProduct(at: center, perp))
    }
}
