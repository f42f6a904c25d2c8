import Testing
import Foundation
import LinearAlgebra
import Curvature
import NeuralNetwork
@testable import Dynamics

/// Phase B on `EdgeToy` (η = 0.25, S₀ = 6, k = 1, g = 0.01: b* = 2, α = 0.01, β = 1, δ² = 0.02),
/// where every assumption of the theory holds exactly (see EdgeToy), from θ_{t0} = (10⁻³, 2.02, 0.3, 0):
/// x = 10⁻³, y = 0.02 > 0, so x blows up and self-stabilizes.
@Suite struct SelfStabilizationTrackerTests {
    let eta = 0.25
    let t0 = 40
    let start = [1e-3, 2.02, 0.3, 0]

    func track(_ toy: EdgeToy = EdgeToy(), steps: Int, _ configure: (inout SelfStabilizationTrackerSettings) -> Void = { _ in })
        -> (StopReason, [TrackingStep], SelfStabilizationTrackerState)
    {
        var settings = SelfStabilizationTrackerSettings(learningRate: eta, steps: steps, tolerance: 1e-12)
        configure(&settings)
        let tracker = SelfStabilizationTracker(objective: toy, settings: settings)
        var state = tracker.start(at: start, step: t0, initialLoss: toy.loss(at: start))
        var clock = NoPhaseClock()
        var steps: [TrackingStep] = []
        let reason = tracker.run(from: &state, clock: &clock) { step, _ in
            steps.append(step); return .proceed
        }
        return (reason, steps, state)
    }

    @Test func predictedAndActualDynamicsFollowTheTwoDimensionalMap() throws {
        let (reason, steps, _) = track(steps: 120)
        #expect(reason == .steps)
        let rows = steps.map(\.track)
        #expect(rows.map(\.step) == Array(t0...(t0 + 120)))
        #expect(steps.map { $0.trace?.step } == [nil] + rows.dropFirst().map(\.step))  // row t0 is phase A's
        let map = SelfStabilizationMap(learningRate: eta, alpha: 0.01, beta: 1)
        // θ†_0 = proj(θ_{t0}) overshoots into M by ~a₀²/8 (see the projection tests); from θ†_1 on,
        // the first correction puts b back on b* exactly, so the theory is exact from row 1.
        var predicted = (x: rows[1].predX, y: rows[1].predY)
        var actual = (x: rows[1].x, y: rows[1].y)
        var maxX = 0.0
        for r in rows.dropFirst() {
            #expect(abs(r.daggerResidualS) < 1e-12 && abs(r.daggerResidualU) < 1e-12)
            #expect(abs(r.predX - predicted.x) < 1e-10 && abs(r.predY - predicted.y) < 1e-10)
            #expect(abs(r.x - actual.x) < 1e-10 && abs(r.y - actual.y) < 1e-10)
            #expect(abs(r.alpha - 0.01) < 1e-12 && abs(r.beta - 1) < 1e-12 && abs(r.delta2! - 0.02) < 1e-10)
            #expect(r.uOverlap.map { abs($0 - 1) < 1e-12 } == true)
            predicted = map.step(x: predicted.x, y: predicted.y)
            actual = map.step(x: actual.x, y: actual.y)
            maxX = max(maxX, abs(r.x))
        }
        #expect(maxX > 0.1)  // the run really went through a blow-up (δ ≈ 0.141)
        for r in rows {
            // Closed forms: L(θ) − L(θ†) = ½(2/η + y)x² − (g/k)y, S(θ) from the 2×2 block, S(θ†) + y.
            #expect(abs(r.gdLoss - r.predLoss - (0.5 * r.y * r.x * r.x - 0.01 * r.y)) < 1e-12)
            #expect(abs(r.predSharpness - (r.daggerSharpness + r.y)) < 1e-14)
            #expect(abs(r.dist - (r.x * r.x + r.y * r.y).squareRoot()) < 1e-12)
        }
        // GD = θ† + v⋆ exactly here but for the start-up: θ†_0 lies inside M by ε = |S(θ†_0) − 2/η|/k
        // along e_b while θ†_1 is back on b*, an offset v⋆ keeps. The linearized map carries it
        // with an amplification of a few over the cycle, so ‖θ − θ† − v⋆‖ ≤ 10ε (ε ≈ 2.5e-7 ≪ δ).
        let startUp = abs(rows[0].daggerResidualS)
        #expect(startUp > 0 && startUp < 1e-6)
        #expect(rows.allSatisfy { $0.predError <= 10 * startUp })
    }

    @Test func gdSharpnessProfileBetaAndLambda2MatchClosedForms() {
        let toy = EdgeToy()
        let (_, steps, _) = track(toy, steps: 100)
        var theta = start
        for step in steps {
            let (s, _) = toy.closedFormTopEigenpair(at: theta)
            #expect(abs(step.track.gdSharpness! - s) < 1e-10)
            // θ here and in the tracker are updated by different code paths: rounding may drift.
            #expect(abs(step.track.gdLoss - toy.loss(at: theta)) < 1e-13)
            if let trace = step.trace {
                #expect(trace.sharpnessAt == .iterate && trace.sharpness == [step.track.gdSharpness!])
                #expect(trace.loss == step.track.gdLoss && trace.step == step.track.step)
            }
            theta = adding(theta, -eta, toy.gradient(at: theta))
        }
        let slow = steps.filter { $0.lambda2 != nil }
        #expect(slow.map(\.track.step) == [t0, t0 + 50, t0 + 100])
        for step in slow {
            #expect(abs(step.lambda2!.lambda2 - 1) < 1e-10)  // spectrum at θ†: {2/η, μ = 1, 0, 0}
            let delta = step.track.delta!
            #expect(step.profile.count == 101)
            #expect(abs(step.profile.first!.x + 5 * delta) < 1e-14 && abs(step.profile.last!.x - 5 * delta) < 1e-14)
            for p in step.profile {  // F(x) = L(θ†) + ½(S₀ + kb†)x², and S(θ†) = S₀ + kb† at a† = 0
                #expect(abs(p.loss - (step.track.daggerLoss + step.track.daggerSharpness * p.x * p.x / 2)) < 1e-12)
            }
        }
        // H(θ†) ∇S⊥ = 0 and ∇S⊥ ⟂ u, so r_t = ∇S⊥ stays put and β_{s→t} = β = k² = 1.
        #expect(steps.last!.beta.map(\.s) == [t0, t0 + 50, t0 + 100])
        #expect(steps.flatMap(\.beta).allSatisfy { abs($0.beta - 1) < 1e-10 })
        #expect(steps[60].beta.map(\.t) == [t0 + 60, t0 + 60])
    }

    @Test func generalizedDynamicsEqualStandardWhenTheLossIsQuadraticAlongU() {
        // Along u = e_a the toy is exactly quadratic at a = 0: u·∇L(θ† + xu) = (2/η)x = u·H(xu).
        let (_, standard, _) = track(steps: 60)
        let (_, generalized, _) = track(steps: 60) { $0.dynamics = .generalized }
        for (s, g) in zip(standard, generalized) {
            #expect(abs(s.track.predX - g.track.predX) < 1e-12 && abs(s.track.predY - g.track.predY) < 1e-12)
        }
    }

    @Test func twoEigenvaluesNearTheEdgeStopTheRunWithTheLambda2Reason() {
        let (reason, steps, _) = track(EdgeToy(lambdaD: 1.95 / eta), steps: 100)
        #expect(reason == .lambda2)
        #expect(steps.count == 1 && abs(steps[0].lambda2!.lambda2 - 1.95 / eta) < 1e-10)
        let (below, all, _) = track(EdgeToy(lambdaD: 1.85 / eta), steps: 60)
        #expect(below == .steps && all.count == 61)
    }

    @Test func resumedRunGivesTheSameBitsAsAnUninterruptedOne() throws {
        let toy = EdgeToy()
        let settings = SelfStabilizationTrackerSettings(learningRate: eta, steps: 30, gradientFlow: true, slowEvery: 10)
        let tracker = SelfStabilizationTracker(objective: toy, settings: settings)
        var clock = NoPhaseClock()
        var full = tracker.start(at: start, step: t0, initialLoss: 1)
        var fullSteps: [TrackingStep] = []
        _ = tracker.run(from: &full, clock: &clock) { s, _ in
            fullSteps.append(s); return .proceed
        }

        var again = tracker.start(at: start, step: t0, initialLoss: 1)
        var againSteps: [TrackingStep] = []
        _ = tracker.run(from: &again, clock: &clock) { s, _ in
            againSteps.append(s); return .proceed
        }
        #expect(againSteps.map { "\($0)" } == fullSteps.map { "\($0)" })  // deterministic

        var interrupted = tracker.start(at: start, step: t0, initialLoss: 1)
        var steps: [TrackingStep] = []
        var saved: Data?
        let encoder = JSONEncoder()
        let reason = tracker.run(from: &interrupted, clock: &clock) { s, state in
            steps.append(s)
            if s.track.step == t0 + 17 { saved = try? encoder.encode(state); return .stop }
            return .proceed
        }
        #expect(reason == .signal)
        steps.removeLast()  // row t0 + 17 is emitted again by the resumed run
        var resumed = try JSONDecoder().decode(SelfStabilizationTrackerState.self, from: try #require(saved))
        _ = SelfStabilizationTracker(objective: toy, settings: settings).run(from: &resumed, clock: &clock) { s, _ in
            steps.append(s); return .proceed
        }
        #expect(steps.map { "\($0)" } == fullSteps.map { "\($0)" })
        #expect(resumed == full)
        #expect(fullSteps.allSatisfy { $0.track.gfDist != nil && $0.track.gfLoss != nil })
    }

    /// Phase A in Float32, then phase B in Float64 on the same tiny network: everything finite.
    @Test func tinyNetworkRunsPhaseAThenAFewTrackedStepsWithoutNaN() {
        let (objective32, theta32) = TinyNetwork.make(Float.self)
        let (objective64, _) = TinyNetwork.make(Double.self)
        var meter = SharpnessMeter<FullBatchLoss<Float>>(count: 1, tolerance: 1e-6, location: .midpoint, seed: 0)
        let s0 = Double(
            meter.measure(
                objective32, at: theta32, gradient: objective32.lossAndGradient(at: theta32).gradient,
                learningRate: 0.01
            ).eigenvalues[0])
        let eta = 2 / (1.02 * s0)
        var finder = InstabilityFinderState(theta: theta32)
        var clock = NoPhaseClock()
        let outcome = InstabilityFinder(
            objective: objective32, settings: InstabilityFinderSettings(learningRate: eta, steps: 200, every: 5, tolerance: 1e-6)
        )
        .run(from: &finder, clock: &clock) { _, _ in .proceed }
        guard case .unstable(let t0, let theta, _) = outcome else { Issue.record("no instability: \(outcome)"); return }
        for dynamics in PredictedDynamics.allCases {
            let settings = SelfStabilizationTrackerSettings(
                learningRate: eta, steps: 6, dynamics: dynamics, gradientFlow: true, slowEvery: 3)
            let tracker = SelfStabilizationTracker(objective: objective64, settings: settings)
            var state = tracker.start(at: theta.map(Double.init), step: t0, initialLoss: Double(finder.initialLoss!))
            var steps: [TrackingStep] = []
            let reason = tracker.run(from: &state, clock: &clock) { s, _ in
                steps.append(s); return .proceed
            }
            #expect(reason == .steps || reason == .lambda2)
            for s in steps {
                let values = s.track.values(gradientFlow: true).compactMap { $0 }
                #expect(values.allSatisfy { $0.isFinite }, "row \(s.track.step): \(s.track)")
                #expect(s.beta.allSatisfy { $0.beta.isFinite } && s.profile.allSatisfy { $0.loss.isFinite })
            }
            #expect(abs(steps[0].track.daggerResidualU) < 1e-3)
        }
    }
}

@Suite struct GradientFlowTests {
    /// On L = ½(8θ₀² + θ₁²) the flow is θᵢ(τ) = θᵢ(0)e^{−λᵢτ}. With S = 8 and η = 0.25 each GD
    /// interval takes n = ⌈ηS⌉ = 2 RK4 substeps of h = 1/8; per substep RK4's relative error on
    /// e^{−λh} is at most (λh)⁵/120 (|R(λh)| ≤ 1 keeps it from growing), so after m substeps the
    /// θ₁ error is ≤ m (1/8)⁵/120 and θ₀ (λh = 1, both factors < 0.38) ≤ m/120 · 0.38^(m−1).
    @Test func rk4SubstepsFollowTheExactFlow() {
        var flow = GradientFlow(theta: [1, 1])
        let objective = DiagonalQuadratic([8, 1])
        let solver = BlockLanczos<Double>(count: 1, tolerance: 1e-12)
        for _ in 0..<10 { flow.advance(objective: objective, duration: 0.25, solver: solver) }
        let m = 20.0
        #expect(abs(flow.theta[1] - exp(-2.5)) <= m * pow(1.0 / 8, 5) / 120)
        #expect(abs(flow.theta[0] - exp(-20)) <= m / 120 * pow(0.38, m - 1))
    }
}

@Suite struct TrackingSummaryTests {
    func row(
        _ step: Int, loss: Double, daggerLoss: Double, predLoss: Double, dist: Double, predError: Double,
        gdSharpness: Double?, predSharpness: Double, gfDist: Double?
    ) -> TrackRecord {
        TrackRecord(
            step: step, gdLoss: loss, gdSharpness: gdSharpness, daggerLoss: daggerLoss, daggerSharpness: 4,
            daggerResidualS: 0, daggerResidualU: 0, uOverlap: nil, x: 0, y: 0, predX: 0, predY: 0, alpha: 0,
            beta: 1, delta2: 0, delta: nil, gamma: nil, dist: dist, predDist: 0, predError: predError,
            predLoss: predLoss, predSharpness: predSharpness, gfLoss: gfDist.map { _ in 1 }, gfDist: gfDist)
    }

    @Test func fieldsFollowTheContract() {
        let eta = 0.5  // η/2 = 0.25
        let rows = [
            // |L − L†| = 0.2 > 0.01: rel. error |1 − 0.9|/0.2 = 0.5
            row(10, loss: 1, daggerLoss: 0.8, predLoss: 0.9, dist: 0.1, predError: 0.01, gdSharpness: 4.4, predSharpness: 4, gfDist: 0.3),
            // |L − L†| = 0.005 ≤ 0.01·1: excluded from the loss median
            row(11, loss: 1, daggerLoss: 0.995, predLoss: 0, dist: 0.2, predError: 0.1, gdSharpness: 3.6, predSharpness: 4.4, gfDist: 0.5),
            // |L − L†| = 0.5: rel. error 0.1/0.5 = 0.2
            row(12, loss: 2, daggerLoss: 1.5, predLoss: 1.9, dist: 0.4, predError: 0.1, gdSharpness: nil, predSharpness: 4, gfDist: 0.1),
            row(13, loss: 2, daggerLoss: 1.5, predLoss: 1.9, dist: 0, predError: 0, gdSharpness: 4, predSharpness: 4, gfDist: 0.2),
        ]
        let s = TrackingSummary(
            trackStartStep: 10, track: rows, lambda2: [Lambda2Record(step: 10, lambda2: 2), Lambda2Record(step: 60, lambda2: 3.2)],
            learningRate: eta)
        #expect(s.trackStartStep == 10)
        #expect(abs(s.distMedian! - 0.15) < 1e-15 && s.distMax == 0.4)
        #expect(abs(s.predErrorMedian! - 0.25) < 1e-15)  // ratios 0.1, 0.5, 0.25 (dist 0 skipped)
        #expect(abs(s.lossPredRelErrorMedian! - 0.2) < 1e-12)  // rows 10, 12, 13: 0.5, 0.2, 0.2
        #expect(abs(s.sharpnessPredRelErrorMedian! - 0.1) < 1e-12)  // |Δ|·η/2: 0.1, 0.2, 0 → 0.1
        #expect(abs(s.gfDistMedian! - 0.25) < 1e-15)
        #expect(abs(s.lambda2MaxRatio! - 0.8) < 1e-15)
        let none = TrackingSummary(trackStartStep: 0, track: [rows[1]], lambda2: [], learningRate: eta)
        #expect(none.lossPredRelErrorMedian == nil && none.lambda2MaxRatio == nil)
    }
}
