import Testing
import Foundation
import LinearAlgebra
import NeuralNetwork
import Curvature
@testable import Dynamics

/// L(θ) = ½ θᵀ diag(λ) θ: ∇L = λ⊙θ, Hessian diag(λ), sharpness max λ, GD θ ← (1 − ηλ)⊙θ.
final class DiagonalQuadratic: Objective {
    let lambda: [Double]
    init(_ lambda: [Double]) { self.lambda = lambda }
    var dimension: Int { lambda.count }
    func loss(at theta: [Double]) -> Double { 0.5 * zip(lambda, theta).map { $0 * $1 * $1 }.reduce(0, +) }
    func lossAndGradient(at theta: [Double]) -> (loss: Double, gradient: [Double]) {
        (loss(at: theta), zip(lambda, theta).map { $0 * $1 })
    }
    func hessianVectorProduct(at theta: [Double], _ v: [Double]) -> [Double] { zip(lambda, v).map { $0 * $1 } }
    func thirdDerivative(at theta: [Double], _ u: [Double]) -> [Double] { [Double](repeating: 0, count: lambda.count) }
}

@Suite struct GradientDescentTests {
    @Test func quadraticIteratesFollowTheClosedFormAndSharpnessIsTheTopCurvature() {
        let lambda = [3.0, 1.0, 0.5, 0.25]
        let eta = 0.4
        var state = GradientDescentState(theta: [1.0, -1.0, 2.0, 0.5])
        var clock = NoPhaseClock()
        var rows: [TraceRecord] = []
        var thetas: [[Double]] = []
        let gd = GradientDescent(
            objective: DiagonalQuadratic(lambda),
            settings: GradientDescentSettings(learningRate: eta, steps: 7, sharpnessEvery: 3))
        let reason = gd.run(from: &state, clock: &clock) { r, s in
            rows.append(r); thetas.append(s.theta); return .proceed
        }
        #expect(reason == .steps)
        #expect(rows.map(\.step) == Array(0...7))
        #expect(rows.filter { !$0.sharpness.isEmpty }.map(\.step) == [0, 3, 6, 7])
        for r in rows where !r.sharpness.isEmpty {
            #expect(abs(r.sharpness[0] - 3) < 1e-10)
            #expect(r.sharpnessAt == .iterate)
        }
        for (t, theta) in thetas.enumerated() {
            let expected = zip(lambda, [1.0, -1.0, 2.0, 0.5]).map { l, x in x * pow(1 - eta * l, Double(t)) }
            #expect(norm(adding(theta, -1, expected)) < 1e-14)
            #expect(abs(rows[t].loss - 0.5 * zip(lambda, expected).map { $0 * $1 * $1 }.reduce(0, +)) < 1e-14)
        }
        #expect(state.step == 7)
    }

    @Test func aboveTwoOverEtaTheLossDivergesAndTheRunSaysSo() {
        // ηλ = 2.5 > 2: |1 − ηλ| = 1.5, the loss grows by 2.25 per step and passes 1e3·L₀ at step 9.
        var state = GradientDescentState(theta: [1.0])
        var clock = NoPhaseClock()
        var rows: [TraceRecord] = []
        let settings = GradientDescentSettings(learningRate: 0.5, steps: 100, sharpnessEvery: 1, divergeFactor: 1e3)
        let reason = GradientDescent(objective: DiagonalQuadratic([5.0]), settings: settings)
            .run(from: &state, clock: &clock) { r, _ in
                rows.append(r); return .proceed
            }
        #expect(reason == .diverged)
        #expect(rows.last!.step == 9)  // 2.25⁹ ≈ 1478 > 1e3 ≥ 2.25⁸ ≈ 657
        #expect(rows.last!.sharpness.isEmpty)  // no eigen-solve on a diverged iterate
        let summary = EdgeOfStabilitySummary(trace: rows, learningRate: 0.5, sharpnessAt: .iterate)
        #expect(summary.eosStep == 0)
        #expect(summary.lossNonmonotoneSteps == 9)
    }

    @Test func stoppingFromOutsideEndsWithSignalAndTheStateResumesExactly() {
        let objective = DiagonalQuadratic([2.0, 1.0])
        let settings = GradientDescentSettings(learningRate: 0.3, steps: 10, sharpnessEvery: 2)
        var clock = NoPhaseClock()
        var full = GradientDescentState(theta: [1.0, 1.0])
        var fullRows: [TraceRecord] = []
        _ = GradientDescent(objective: objective, settings: settings).run(from: &full, clock: &clock) { r, _ in
            fullRows.append(r); return .proceed
        }

        var interrupted = GradientDescentState(theta: [1.0, 1.0])
        var rows: [TraceRecord] = []
        let reason = GradientDescent(objective: objective, settings: settings).run(from: &interrupted, clock: &clock) { r, _ in
            rows.append(r); return r.step == 4 ? .stop : .proceed
        }
        #expect(reason == .signal && interrupted.step == 4)
        rows.removeLast()  // row 4 is written again by the resumed run
        _ = GradientDescent(objective: objective, settings: settings).run(from: &interrupted, clock: &clock) { r, _ in
            rows.append(r); return .proceed
        }
        #expect(rows.map { "\($0)" } == fullRows.map { "\($0)" })  // accuracy is NaN here, so compare text
        #expect(interrupted == full)
    }

    /// f(x) = w₂ tanh(w₁x + b₁) + b₂, L = ½(f − y)²: the gradient by hand is
    /// ∂b₂ = r, ∂w₂ = r h, ∂b₁ = r w₂(1 − h²), ∂w₁ = r w₂(1 − h²) x with h = tanh(w₁x + b₁), r = f − y.
    @Test func oneStepOnATinyNetworkEqualsTheHandComputedUpdate() {
        let x = 0.7, y = -0.3, eta = 0.1
        let net = Network.perceptron(inputs: 1, depth: 1, width: 1, outputs: 1, activation: .tanh)
        let theta0 = [0.5, -0.2, 1.5, 0.1]  // w₁, b₁, w₂, b₂
        let objective = FullBatchLoss(network: net, loss: .mse, inputs: Matrix([[x]]), targets: Matrix([[y]]))
        let h = tanh(0.5 * x - 0.2), r = 1.5 * h + 0.1 - y
        let gradient = [r * 1.5 * (1 - h * h) * x, r * 1.5 * (1 - h * h), r * h, r]
        var state = GradientDescentState(theta: theta0)
        var clock = NoPhaseClock()
        var rows: [TraceRecord] = []
        _ = GradientDescent(objective: objective, settings: GradientDescentSettings(learningRate: eta, steps: 1, sharpnessEvery: 0))
            .run(from: &state, clock: &clock) { row, _ in
                rows.append(row); return .proceed
            }
        let expected = zip(theta0, gradient).map { $0 - eta * $1 }
        // A few ulps of O(1) values: the BLAS kernel's rounding differs between CPUs.
        #expect(norm(adding(state.theta, -1, expected)) < 1e-14)
        #expect(abs(rows[0].loss - 0.5 * r * r) < 1e-14)
        #expect(abs(rows[0].gradientNorm - norm(gradient)) < 1e-14)
        let correct: Double = (r + y) * y > 0 ? 1 : 0
        #expect(rows[0].accuracy == correct)
    }

    @Test func midpointSharpnessIsMeasuredHalfAStepAhead() {
        // A cubic makes the curvature depend on θ: L = θ²/2 + θ³/6, L'' = 1 + θ.
        final class Cubic: Objective {
            var dimension: Int { 1 }
            func loss(at t: [Double]) -> Double { t[0] * t[0] / 2 + t[0] * t[0] * t[0] / 6 }
            func lossAndGradient(at t: [Double]) -> (loss: Double, gradient: [Double]) { (loss(at: t), [t[0] + t[0] * t[0] / 2]) }
            func hessianVectorProduct(at t: [Double], _ v: [Double]) -> [Double] { [(1 + t[0]) * v[0]] }
            func thirdDerivative(at t: [Double], _ u: [Double]) -> [Double] { [u[0] * u[0]] }
        }
        var meter = SharpnessMeter<Cubic>(count: 1, tolerance: 1e-10, location: .midpoint, seed: 0)
        let theta = [0.8], eta = 0.5
        let g = 0.8 + 0.32
        let s = meter.measure(Cubic(), at: theta, gradient: [g], learningRate: eta)
        #expect(abs(s.eigenvalues[0] - (1 + 0.8 - eta / 2 * g)) < 1e-12)
    }
}

@Suite struct EdgeOfStabilitySummaryTests {
    @Test func summaryFieldsFollowTheContract() {
        let eta = 0.5  // 2/η = 4
        let losses = [1.0, 0.9, 0.95, 0.7, 0.8, 0.6]
        let sharp: [[Double]] = [[2], [], [3.9], [4.4], [], [3.6]]
        let rows = (0..<6).map {
            TraceRecord(
                step: $0, loss: losses[$0], accuracy: 0.5, gradientNorm: 1,
                sharpness: sharp[$0], sharpnessAt: sharp[$0].isEmpty ? nil : .midpoint)
        }
        let s = EdgeOfStabilitySummary(trace: rows, learningRate: eta, sharpnessAt: .midpoint)
        #expect(s.twoOverEta == 4)
        #expect(s.eosStep == 3)
        // ratios over t ≥ 3: 4.4/4 = 1.1 and 3.6/4 = 0.9 → median 1.0, p10 0.92, p90 1.08
        #expect(abs(s.sharpnessRatioMedian! - 1.0) < 1e-12)
        #expect(abs(s.sharpnessRatioP10! - 0.92) < 1e-12)
        #expect(abs(s.sharpnessRatioP90! - 1.08) < 1e-12)
        #expect(s.maxSharpness == 4.4)
        #expect(s.finalLoss == 0.6 && s.finalAccuracy == 0.5)
        #expect(s.lossNonmonotoneSteps == 2)
        let none = EdgeOfStabilitySummary(trace: Array(rows.prefix(3)), learningRate: eta, sharpnessAt: .midpoint)
        #expect(none.eosStep == nil && none.sharpnessRatioMedian == nil)
    }

    @Test func quantileMatchesNumPyLinearInterpolation() {
        // numpy.quantile([1, 2, 3, 4, 10], [0.1, 0.5, 0.9]) = [1.4, 3.0, 7.6]
        #expect(abs(quantile([10, 2, 4, 1, 3], 0.1)! - 1.4) < 1e-12)
        #expect(quantile([10, 2, 4, 1, 3], 0.5) == 3)
        #expect(abs(quantile([10, 2, 4, 1, 3], 0.9)! - 7.6) < 1e-12)
        #expect(quantile([], 0.5) == nil)
    }
}
