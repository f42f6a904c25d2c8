import Testing
@testable import Dynamics

/// `train.loss_goal`, `train.accuracy_goal` and `train.steps_after_eos` (docs/CONFIGURATION.md §2.4, §7).
@Suite struct StopRulesTests {
    func row(_ step: Int, loss: Double = 1, accuracy: Double = 0.5, sharpness: Double? = nil) -> TraceRecord {
        TraceRecord(
            step: step, loss: loss, accuracy: accuracy, gradientNorm: 0, sharpness: sharpness.map { [$0] } ?? [],
            sharpnessAt: sharpness == nil ? nil : .iterate)
    }

    @Test func eachRuleFiresOnItsOwnConditionAndTheLossGoalIsNamedFirst() {
        let rules = StopRules(lossGoal: 0.1, accuracyGoal: 0.9, stepsAfterEdge: 3)
        #expect(rules.reason(after: row(5), edgeStep: nil) == nil)
        #expect(rules.reason(after: row(5, loss: 0.1), edgeStep: nil) == .lossGoal)  // ≤ goal
        #expect(rules.reason(after: row(5, loss: 0.11, accuracy: 0.9), edgeStep: nil) == .accuracyGoal)  // ≥ goal
        #expect(rules.reason(after: row(5, loss: 0.05, accuracy: 1), edgeStep: 0) == .lossGoal)
        #expect(rules.reason(after: row(4), edgeStep: 2) == nil)
        #expect(rules.reason(after: row(5), edgeStep: 2) == .stepsAfterEdge)
        #expect(StopRules.none.reason(after: row(9, loss: 0, accuracy: 1), edgeStep: 0) == nil)
        // NaN accuracy (no classifier) never meets an accuracy goal.
        #expect(StopRules(accuracyGoal: 0.5).reason(after: row(1, accuracy: .nan), edgeStep: nil) == nil)
    }

    @Test func theEdgeStepIsTheFirstMeasuredRowAtTwoOverEta() {
        let trace = [row(0, sharpness: 3), row(1), row(2, sharpness: 4.1), row(3, sharpness: 3.9), row(4, sharpness: 5)]
        #expect(StopRules.edgeStep(of: trace, threshold: 4) == 2)
        #expect(StopRules.edgeStep(of: trace, threshold: 6) == nil)
    }

    /// L = ½θ² at η = 0.4: L_t = ½·0.36^t, ≤ 1e-3 first at t = 7 (0.36⁶ ≈ 2.2e-3 > 2e-3 ≥ 0.36⁷).
    @Test func gradientDescentStopsAtTheRowThatReachesTheLossGoal() {
        var state = GradientDescentState(theta: [1.0])
        var clock = NoPhaseClock()
        var rows: [TraceRecord] = []
        let settings = GradientDescentSettings(
            learningRate: 0.4, steps: 100, sharpnessEvery: 0, stopRules: StopRules(lossGoal: 1e-3))
        let reason = GradientDescent(objective: DiagonalQuadratic([1.0]), settings: settings)
            .run(from: &state, clock: &clock) { r, _ in
                rows.append(r); return .proceed
            }
        #expect(reason == .lossGoal)
        #expect(rows.map(\.step) == Array(0...7))
        #expect(rows[6].loss > 1e-3 && rows[7].loss <= 1e-3)
        #expect(state.step == 7)  // θ_7, the last row's iterate: no update after the goal
    }

    /// λ = 4 at η = 0.5 sits exactly at 2/η from step 0: with measurements every 3 steps the edge
    /// is row 0, and the run stops 5 steps later — also when it was stopped and resumed in between.
    @Test func stepsAfterTheEdgeCountFromTheFirstRowAtTheEdgeAcrossAResume() throws {
        let settings = GradientDescentSettings(
            learningRate: 0.5, steps: 100, sharpnessEvery: 3, stopRules: StopRules(stepsAfterEdge: 5))
        let gd = GradientDescent(objective: DiagonalQuadratic([4.0, 1.0]), settings: settings)
        var clock = NoPhaseClock()
        var whole = GradientDescentState(theta: [1.0, 1.0])
        var rows: [TraceRecord] = []
        #expect(
            gd.run(from: &whole, clock: &clock) { r, _ in
                rows.append(r); return .proceed
            } == .stepsAfterEdge)
        #expect(rows.last?.step == 5 && whole.edgeStep == 0)

        var parts = GradientDescentState(theta: [1.0, 1.0])
        var saved: GradientDescentState<Double>?
        #expect(
            gd.run(from: &parts, clock: &clock) { r, s in
                if r.step == 3 { saved = s; return .stop }
                return .proceed
            } == .signal)
        var resumed = try #require(saved)
        #expect(resumed.edgeStep == 0)
        var later: [TraceRecord] = []
        #expect(
            gd.run(from: &resumed, clock: &clock) { r, _ in
                later.append(r); return .proceed
            } == .stepsAfterEdge)
        #expect(later.map(\.step) == [3, 4, 5] && resumed.theta == whole.theta)
    }
}
