import LinearAlgebra
import Curvature

/// Gradient flow dθ/dτ = −∇L(θ), integrated by classical RK4, the reference GD is compared with
/// (docs/THEORY.md §5). One GD step is a time interval η; it is covered by n = ⌈η S⌉ equal substeps
/// h = η/n ≤ 1/S, where S is the sharpness at the start of the interval (re-estimated every
/// interval by a warm-started eigen-solve). hS ≤ 1 is well inside RK4's stability interval
/// (hλ ≤ 2.78 on −λθ), so a moderate rise of S within one interval stays stable and accurate.
public struct GradientFlow: Sendable, Codable, Equatable {
    /// θ_gf(τ), [N].
    public var theta: [Double]
    /// The last sharpness solve's eigenvector (the next one's warm start).
    public var warmStart: [[Double]]

    public init(theta: [Double]) {
        self.theta = theta
        warmStart = []
    }

    /// Advances θ_gf by a time `duration` (= η for one GD step).
    public mutating func advance<O: Objective>(objective: O, duration: Double, solver: BlockLanczos<Double>)
    where O.Scalar == Double {
        let pairs = solver.topEigenpairs(of: HessianOperator(objective, at: theta), startVectors: warmStart)
        if pairs.eigenvalues[0].isFinite { warmStart = pairs.eigenvectors }
        let s = pairs.eigenvalues[0]
        let n = s.isFinite && s > 0 ? Swift.max(1, Int((duration * s).rounded(.up))) : 1
        let h = duration / Double(n)
        func velocity(_ p: [Double]) -> [Double] { objective.lossAndGradient(at: p).gradient }
        for _ in 0..<n {
            let k1 = velocity(theta)
            let k2 = velocity(adding(theta, -h / 2, k1))
            let k3 = velocity(adding(theta, -h / 2, k2))
            let k4 = velocity(adding(theta, -h, k3))
            axpy(-h / 6, k1, &theta)
            axpy(-h / 3, k2, &theta)
            axpy(-h / 3, k3, &theta)
            axpy(-h / 6, k4, &theta)
        }
    }
}
