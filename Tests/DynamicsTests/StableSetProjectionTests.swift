import Testing
import LinearAlgebra
import Curvature
@testable import Dynamics

@Suite struct StableSetProjectionTests {
    let eta = 0.25  // 2/η = 8; with S₀ = 6, k = 1 the edge line is b* = 2

    @Test func convergedProjectionLandsOnMToTheTolerance() {
        // The untouched coordinates move only by the Ritz vector's rounding-level components there,
        // whose size depends on the BLAS kernel: compare to the solver's tolerance, never with ==.
        let solverTolerance = 1e-12
        let toy = EdgeToy(s0: 6, k: 1, g: 0.01, mu: 1, h: 0.5)
        let projection = StableSetProjection(
            learningRate: eta, method: .converged(tolerance: solverTolerance, maxSteps: 30),
            solver: BlockLanczos(count: 1, tolerance: solverTolerance))
        let r = projection.project(toy, from: [0.3, 2.4, 0.2, 0.1], warmStart: [], orientedLike: nil)
        #expect(r.converged && r.corrections > 1 && r.skippedSharpnessSteps == 0)
        // Independent check with the closed-form eigenpair at the result.
        let (s, u) = toy.closedFormTopEigenpair(at: r.point)
        #expect(s - 2 / eta <= solverTolerance * 2 / eta)
        #expect(abs(dot(u, toy.gradient(at: r.point)) / s) <= solverTolerance)
        // On M the only root of u·∇L = 0 nearby is a = 0; the linearized S-step overshoots (S at the
        // start includes the a² coupling), so the result lies inside the bound, b ≤ b*, not on it.
        #expect(abs(r.point[0]) < solverTolerance && r.point[1] <= 2 + solverTolerance)
        #expect(abs(r.point[2] - 0.2) < solverTolerance && abs(r.point[3] - 0.1) < solverTolerance)
    }

    /// Three corrections of docs/THEORY.md §4 by hand, with the closed-form eigenpair and
    /// ∇³L[u, u] = (2k u_a u_b, k u_a², 0, 0).
    @Test func linearizedThreeStepsMatchTheHandComputedCorrections() {
        let toy = EdgeToy(s0: 6, k: 1, g: 0.01, mu: 1, h: 0.5)
        let start = [0.2, 2.3, 0.1, 0]
        var theta = start
        for _ in 0..<3 {
            let (s, u) = toy.closedFormTopEigenpair(at: theta)
            let gradS = [2 * u[0] * u[1], u[0] * u[0], 0, 0]
            let perp = adding(gradS, -dot(u, gradS), u)
            let stepS = -max(0, s - 2 / eta) / dot(perp, perp)
            let stepU = -dot(u, toy.gradient(at: theta)) / s
            theta = (0..<4).map { theta[$0] + stepS * perp[$0] + stepU * u[$0] }
        }
        let projection = StableSetProjection(
            learningRate: eta, method: .linearized(steps: 3),
            solver: BlockLanczos(count: 1, tolerance: 1e-12))
        let r = projection.project(toy, from: start, warmStart: [], orientedLike: nil)
        #expect(r.corrections == 3 && r.converged)
        #expect(norm(adding(r.point, -1, theta)) < 1e-13)
        let (s, _) = toy.closedFormTopEigenpair(at: theta)
        #expect(abs(r.quantities.sharpness - s) < 1e-12)
    }

    @Test func insideTheSharpnessBoundOnlyTheEigenvectorStepActs() {
        // b = 1 < b*: S ≈ 7 < 2/η, so one correction is θ − u (u·∇L)/S alone.
        let toy = EdgeToy()
        let start = [0.1, 1, 0.3, 0]
        let (s, u) = toy.closedFormTopEigenpair(at: start)
        let expected = adding(start, -dot(u, toy.gradient(at: start)) / s, u)
        let projection = StableSetProjection(learningRate: eta, method: .linearized(steps: 1), solver: BlockLanczos(count: 1))
        let r = projection.project(toy, from: start, warmStart: [], orientedLike: nil)
        #expect(norm(adding(r.point, -1, expected)) < 1e-14)
        #expect(r.quantities.sharpnessResidual(learningRate: eta) < 0)
    }

    @Test func withoutThirdDerivativesTheSharpnessStepIsSkippedAndCounted() {
        // L = ½(10θ₀² + θ₁²): S = 10 > 2/η = 8 but ∇S = 0, so step_S cannot act; the run says so.
        let projection = StableSetProjection(learningRate: eta, method: .linearized(steps: 3), solver: BlockLanczos(count: 1))
        let r = projection.project(DiagonalQuadratic([10, 1]), from: [0.5, 1], warmStart: [], orientedLike: nil)
        #expect(r.skippedSharpnessSteps == 3)
        #expect(r.quantities.betaIsNegligible && r.quantities.deltaSquared == nil)
        #expect(abs(r.quantities.sharpnessResidual(learningRate: eta) - 2) < 1e-12)
        // step_u = −u(u·∇L)/S zeroes θ₀ and leaves θ₁ up to the Ritz vector's rounding (kernel-dependent).
        #expect(abs(r.point[0]) < 1e-14 && abs(r.point[1] - 1) < 1e-14)
    }
}
