import Testing
import LinearAlgebra
import Curvature
@testable import Dynamics

@Suite struct StabilityQuantitiesTests {
    /// ∇S by central differences of the closed-form S: error O(ε²·S''') ≈ 1e-10 with ε = 1e-5
    /// (ε ≈ ε_mach^(1/3)), so 1e-7 leaves room for rounding (ε_mach·S/ε ≈ 1e-10).
    @Test func quantitiesMatchFiniteDifferencesAndClosedForms() {
        let toy = EdgeToy(s0: 6, k: 1.3, g: 0.02, mu: 1, h: 0.5, lambdaD: 0.5)
        let theta = [0.3, 1.1, 0.2, -0.4]
        let solver = BlockLanczos<Double>(count: 1, tolerance: 1e-12)
        let q = StabilityQuantities.evaluate(toy, at: theta, solver: solver, warmStart: [])
        let (s, u) = toy.closedFormTopEigenpair(at: theta)
        #expect(abs(q.sharpness - s) < 1e-12)
        #expect(abs(abs(dot(q.eigenvector, u)) - 1) < 1e-12)
        let eps = 1e-5
        let fdGradS = (0..<4).map { i -> Double in
            var plus = theta, minus = theta
            plus[i] += eps; minus[i] -= eps
            return (toy.closedFormTopEigenpair(at: plus).s - toy.closedFormTopEigenpair(at: minus).s) / (2 * eps)
        }
        #expect(norm(adding(q.sharpnessGradient, -1, fdGradS)) < 1e-7)
        let perp = adding(fdGradS, -dot(u, fdGradS), u)
        #expect(norm(adding(q.sharpnessGradientPerp, -1, perp)) < 1e-7)
        #expect(abs(dot(q.sharpnessGradientPerp, q.eigenvector)) < 1e-14)
        let gradient = toy.gradient(at: theta)
        let alpha = -dot(gradient, perp), beta = dot(perp, perp)
        #expect(abs(q.alpha - alpha) < 1e-7)
        #expect(abs(q.beta - beta) < 1e-7)
        #expect(abs(q.deltaSquared! - 2 * alpha / beta) < 1e-6)
        #expect(abs(q.gamma! - alpha / (norm(gradient) * beta.squareRoot())) < 1e-6)
        if alpha > 0 { #expect(abs(q.delta! - (2 * alpha / beta).squareRoot()) < 1e-6) } else { #expect(q.delta == nil) }
    }

    @Test func onTheEdgeLineAlphaBetaDeltaAreTheToysConstants() {
        // At a = 0: α = gk, β = k², δ² = 2g/k, γ = gk/(‖∇L‖ k) with ∇L = (0, −g, μc − h, λ_d d).
        let toy = EdgeToy(s0: 6, k: 2, g: 0.01, mu: 1, h: 0.5)
        let theta = [0, 0.7, 0.1, 0]
        let q = StabilityQuantities.evaluate(toy, at: theta, solver: BlockLanczos<Double>(count: 1), warmStart: [])
        // Tolerances are a few ulps of each value: BLAS kernels round dot products differently.
        #expect(abs(q.alpha - 0.02) < 1e-15 && abs(q.beta - 4) < 1e-14)
        #expect(abs(q.deltaSquared! - 0.01) < 1e-15 && abs(q.delta! - 0.1) < 1e-15)
        let gradNorm = (0.01 * 0.01 + 0.4 * 0.4).squareRoot()
        #expect(abs(q.gamma! - 0.02 / (gradNorm * 2)) < 1e-14)
        #expect(abs(q.eigenvectorResidual) < 1e-15)
        #expect(abs(q.sharpnessResidual(learningRate: 0.25) - (6 + 1.4 - 8)) < 1e-14)
    }

    @Test func negativeAlphaKeepsDeltaSquaredButNoDelta() {
        let q = StabilityQuantities(loss: 1, gradient: [0, 1], sharpness: 2, eigenvector: [1, 0], sharpnessGradient: [3, 2])
        // ∇S⊥ = (0, 2), α = −2, β = 4, δ² = −1.
        #expect(q.alpha == -2 && q.beta == 4 && q.deltaSquared == -1)
        #expect(q.delta == nil && !q.betaIsNegligible)
        #expect(q.gamma == -1)
    }

    @Test func negligibleBetaDropsDeltaSquaredAndSaysSo() {
        let along = StabilityQuantities(loss: 1, gradient: [0.5, 1], sharpness: 2, eigenvector: [1, 0], sharpnessGradient: [3, 1e-12])
        #expect(along.betaIsNegligible && along.deltaSquared == nil && along.delta == nil)
        let none = StabilityQuantities(loss: 1, gradient: [0.5, 1], sharpness: 2, eigenvector: [1, 0], sharpnessGradient: [0, 0])
        #expect(none.betaIsNegligible && none.deltaSquared == nil && none.gamma == nil)
        #expect(none.alpha == 0 && none.beta == 0)  // zero, not NaN
    }

    @Test func theEigenvectorIsOrientedLikeTheReference() {
        let toy = EdgeToy()
        let theta = [0.1, 0.5, 0, 0]
        let solver = BlockLanczos<Double>(count: 1)
        let plain = StabilityQuantities.evaluate(toy, at: theta, solver: solver, warmStart: [])
        let flipped = StabilityQuantities.evaluate(
            toy, at: theta, solver: solver, warmStart: [],
            orientedLike: plain.eigenvector.map { -$0 })
        #expect(dot(plain.eigenvector, flipped.eigenvector) < -0.999_999)
        // ∇S, ∇S⊥, α, β are even in u; the residual u·∇L/S is odd and follows the orientation.
        #expect(norm(adding(plain.sharpnessGradientPerp, -1, flipped.sharpnessGradientPerp)) < 1e-14)
        #expect(abs(plain.alpha - flipped.alpha) < 1e-15 && abs(plain.beta - flipped.beta) < 1e-15)
        #expect(abs(plain.eigenvectorResidual + flipped.eigenvectorResidual) < 1e-15)
    }
}
