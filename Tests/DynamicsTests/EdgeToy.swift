import LinearAlgebra
import Curvature

/// A 4-parameter loss built so the self-stabilization theory holds exactly. θ = (a, b, c, d):
///
///     L = ½ S₀ a² + ½ k a² b − g b + ½ μ c² − h c + ½ λ_d d²
///     ∇L = (S₀a + kab, ½ka² − g, μc − h, λ_d d)
///     ∇²L = [[S₀ + kb, ka, 0, 0], [ka, 0, 0, 0], [0, 0, μ, 0], [0, 0, 0, λ_d]]
///     ∇³L: only ∂a∂a∂b = k, so ∇³L[u, u] = (2k u_a u_b, k u_a², 0, 0)
///
/// At a = 0: u = e_a, S = S₀ + kb, ∇S = ∇S⊥ = k e_b, α = gk, β = k², and H e_b = 0 (no curvature
/// along ∇S⊥). M ∩ {a = 0} is b ≤ b* = (2/η − S₀)/k. GD with x = a, y = k(b − b*) is exactly
/// the 2-D map of docs/THEORY.md §3, and θ† = (0, b*, c_t, d_t) with c, d following GD.
final class EdgeToy: Objective {
    let s0, k, g, mu, h, lambdaD: Double
    init(s0: Double = 6, k: Double = 1, g: Double = 0.01, mu: Double = 1, h: Double = 0.5, lambdaD: Double = 0) {
        self.s0 = s0; self.k = k; self.g = g; self.mu = mu; self.h = h; self.lambdaD = lambdaD
    }
    var dimension: Int { 4 }
    func loss(at t: [Double]) -> Double {
        0.5 * s0 * t[0] * t[0] + 0.5 * k * t[0] * t[0] * t[1] - g * t[1] + 0.5 * mu * t[2] * t[2] - h * t[2] + 0.5 * lambdaD * t[3] * t[3]
    }
    func gradient(at t: [Double]) -> [Double] {
        [s0 * t[0] + k * t[0] * t[1], 0.5 * k * t[0] * t[0] - g, mu * t[2] - h, lambdaD * t[3]]
    }
    func lossAndGradient(at t: [Double]) -> (loss: Double, gradient: [Double]) { (loss(at: t), gradient(at: t)) }
    func hessianVectorProduct(at t: [Double], _ v: [Double]) -> [Double] {
        [(s0 + k * t[1]) * v[0] + k * t[0] * v[1], k * t[0] * v[0], mu * v[2], lambdaD * v[3]]
    }
    func thirdDerivative(at t: [Double], _ u: [Double]) -> [Double] { [2 * k * u[0] * u[1], k * u[0] * u[0], 0, 0] }

    /// b* = (2/η − S₀)/k, where S = 2/η on a = 0.
    func boundary(learningRate eta: Double) -> Double { (2 / eta - s0) / k }

    /// The top eigenpair in closed form, from the 2×2 block [[p, q], [q, 0]] (p = S₀ + kb, q = ka):
    /// S = p/2 + √(p²/4 + q²), u ∝ (S, q, 0, 0). Valid while S > μ, λ_d.
    func closedFormTopEigenpair(at t: [Double]) -> (s: Double, u: [Double]) {
        let p = s0 + k * t[1], q = k * t[0]
        let s = p / 2 + (p * p / 4 + q * q).squareRoot()
        let n = (s * s + q * q).squareRoot()
        return (s, [s / n, q / n, 0, 0])
    }
}
