import Testing
import Foundation
import LinearAlgebra
import Curvature
@testable import Dynamics

/// The update rules of docs/THEORY.md §11 by hand, their thresholds on a quadratic, and the
/// preconditioned sharpness of a GD run with an adaptive optimizer.
@Suite struct OptimizerTests {
    static let theta0 = [1.0, -0.5], g1 = [1.0, -2.0], g2 = [0.5, 1.0], eta = 0.1

    /// Two updates with the gradients g1, g2 from θ0; returns θ after each and the buffers.
    static func twoUpdates(_ optimizer: Optimizer) -> (theta: [[Double]], momentum: [Double], squares: [Double]) {
        var theta = theta0, momentum: [Double] = [], squares: [Double] = []
        var thetas: [[Double]] = []
        for (k, g) in [g1, g2].enumerated() {
            optimizer.update(&theta, momentum: &momentum, squares: &squares, gradient: g, learningRate: eta, count: k + 1)
            thetas.append(theta)
        }
        return (thetas, momentum, squares)
    }

    static func close(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-15) -> Bool {
        norm(adding(a, -1, b)) <= tolerance * max(1, norm(b))
    }

    @Test func plainGDIsTheGradientStep() {
        let r = Self.twoUpdates(.gd)
        #expect(Self.close(r.theta[1], [1 - 0.1 * 1.5, -0.5 - 0.1 * -1]))
        #expect(r.momentum.isEmpty && r.squares.isEmpty)
    }

    /// torch.optim.SGD(momentum=β): the buffer is g itself at the first step, then b ← βb + g.
    @Test func polyakMomentumStartsWithTheGradient() {
        let r = Self.twoUpdates(.polyak(momentum: 0.5))
        // k = 1: b = g1 = (1, −2); θ = θ0 − η b. k = 2: b = 0.5·(1, −2) + (0.5, 1) = (1, 0).
        #expect(Self.close(r.theta[0], [1 - 0.1, -0.5 + 0.2]))
        #expect(Self.close(r.theta[1], [1 - 0.1 - 0.1, -0.5 + 0.2]))
        #expect(r.momentum == [1, 0] && r.squares.isEmpty)
    }

    /// torch.optim.SGD(momentum=β, nesterov=True): θ −= η(g + βb) with b as polyak's.
    @Test func nesterovLooksAheadAlongTheBuffer() {
        let r = Self.twoUpdates(.nesterov(momentum: 0.5))
        // k = 1: b = (1, −2), direction g1 + 0.5 b = (1.5, −3). k = 2: b = (1, 0), direction (0.5, 1) + (0.5, 0) = (1, 1).
        #expect(Self.close(r.theta[0], [1 - 0.15, -0.5 + 0.3]))
        #expect(Self.close(r.theta[1], [1 - 0.15 - 0.1, -0.5 + 0.3 - 0.1]))
        #expect(r.momentum == [1, 0])
    }

    /// torch.optim.RMSprop(alpha=α, eps=ε): v ← αv + (1 − α)g², θ −= η g/(√v + ε), no bias correction.
    @Test func rmspropDividesByTheRootMeanSquare() {
        let epsilon = 1e-3
        let r = Self.twoUpdates(.rmsprop(alpha: 0.5, epsilon: epsilon))
        // k = 1: v = 0.5·(1, 4) = (0.5, 2). k = 2: v = 0.5·(0.5, 2) + 0.5·(0.25, 1) = (0.375, 1.5).
        let v1 = [0.5, 2.0], v2 = [0.375, 1.5]
        let first = (0..<2).map { Self.theta0[$0] - 0.1 * Self.g1[$0] / (v1[$0].squareRoot() + epsilon) }
        let second = (0..<2).map { first[$0] - 0.1 * Self.g2[$0] / (v2[$0].squareRoot() + epsilon) }
        #expect(Self.close(r.theta[0], first) && Self.close(r.theta[1], second))
        #expect(Self.close(r.squares, v2) && r.momentum.isEmpty)
    }

    /// torch.optim.Adam(betas=(β₁, β₂), eps=ε): bias-corrected m̂ and v̂, ε outside the root.
    @Test func adamIsBiasCorrectedWithEpsilonOutsideTheRoot() {
        let epsilon = 1e-3, b1 = 0.5, b2 = 0.75
        let r = Self.twoUpdates(.adam(beta1: b1, beta2: b2, epsilon: epsilon))
        // k = 1: m = 0.5 g1, v = 0.25 g1²: m̂ = g1, v̂ = g1², the step is η g1/(|g1| + ε).
        let first = (0..<2).map { Self.theta0[$0] - 0.1 * Self.g1[$0] / (abs(Self.g1[$0]) + epsilon) }
        // k = 2: m = 0.5·0.5 g1 + 0.5 g2 = (0.5, 0), v = 0.75·0.25 g1² + 0.25 g2² = (0.25, 1);
        // m̂ = m/(1 − 0.25), v̂ = v/(1 − 0.5625).
        let m = [0.5, 0.0], v = [0.25, 1.0]
        let second = (0..<2).map { i in
            first[i] - 0.1 * (m[i] / (1 - b1 * b1)) / ((v[i] / (1 - b2 * b2)).squareRoot() + epsilon)
        }
        #expect(Self.close(r.theta[0], first) && Self.close(r.theta[1], second))
        #expect(Self.close(r.momentum, m) && Self.close(r.squares, v))
    }

    /// The preconditioner the measurement uses is the denominator of the step taken: P = √v̂ + ε
    /// with the v̂ of that update.
    @Test func thePreconditionerIsTheDenominatorOfTheNextUpdate() throws {
        let epsilon = 1e-3
        let adam = Optimizer.adam(beta1: 0.5, beta2: 0.75, epsilon: epsilon)
        let p1 = try #require(adam.preconditioner(squares: [Double](), gradient: Self.g1, count: 1))
        #expect(Self.close(p1, Self.g1.map { abs($0) + epsilon }))
        let p2 = try #require(adam.preconditioner(squares: [0.25, 1.0], gradient: Self.g2, count: 2))
        #expect(Self.close(p2, [0.25, 1.0].map { ($0 / 0.4375).squareRoot() + epsilon }))
        let rmsprop = Optimizer.rmsprop(alpha: 0.5, epsilon: epsilon)
        let p = try #require(rmsprop.preconditioner(squares: [0.5, 2.0], gradient: Self.g2, count: 2))
        #expect(Self.close(p, [0.375, 1.5].map { $0.squareRoot() + epsilon }))
        #expect(Optimizer.polyak(momentum: 0.9).preconditioner(squares: [Double](), gradient: Self.g1, count: 1) == nil)
    }

    @Test func thresholdsAreThoseOfCohenEtAl() {
        #expect(Optimizer.gd.threshold(learningRate: 0.5) == 4)
        #expect(Optimizer.rmsprop(alpha: 0.99, epsilon: 1e-8).threshold(learningRate: 0.5) == 4)
        #expect(abs(Optimizer.polyak(momentum: 0.9).threshold(learningRate: 0.1) - 38) < 1e-12)
        #expect(abs(Optimizer.nesterov(momentum: 0.9).threshold(learningRate: 0.1) - 38 / 2.8) < 1e-12)
        #expect(abs(Optimizer.adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8).threshold(learningRate: 0.01) - 3800) < 1e-9)
        #expect(Optimizer.polyak(momentum: 0).stabilityConstant == 2 && Optimizer.nesterov(momentum: 0).stabilityConstant == 2)
    }

    /// On L = ½aθ² each momentum method is stable exactly below its threshold: at a = 0.98·c/η
    /// the iterate decays, at 1.02·c/η it grows.
    @Test func momentumThresholdsSeparateStableFromUnstableOnAQuadratic() {
        let eta = 0.1
        for optimizer in [Optimizer.gd, .polyak(momentum: 0.9), .polyak(momentum: 0.5), .nesterov(momentum: 0.9), .nesterov(momentum: 0.3)]
        {
            for (factor, stable) in [(0.98, true), (1.02, false)] {
                let a = factor * optimizer.threshold(learningRate: eta)
                var theta = [1.0], momentum: [Double] = [], squares: [Double] = []
                for k in 1...3000 {
                    optimizer.update(&theta, momentum: &momentum, squares: &squares, gradient: [a * theta[0]], learningRate: eta, count: k)
                }
                #expect((abs(theta[0]) < 1e-3) == stable, "\(optimizer) at \(factor)·threshold: θ = \(theta[0])")
            }
        }
    }

    /// With a frozen preconditioner (v fixed), Adam's iteration on a quadratic is stable below
    /// (2 + 2β₁)/((1 − β₁)η) in the preconditioned curvature a/P and unstable above (the bias
    /// corrections → 1): the threshold the preconditioned sharpness is compared with.
    @Test func adamsThresholdHoldsForAFrozenPreconditioner() {
        let eta = 0.01, beta1 = 0.9, p = 0.5
        let optimizer = Optimizer.adam(beta1: beta1, beta2: 0.999, epsilon: 1e-8)
        for (factor, stable) in [(0.98, true), (1.02, false)] {
            let a = factor * optimizer.threshold(learningRate: eta) * p
            var theta = [1.0], m = [0.0]
            for _ in 1...5000 {
                m[0] = m[0] + (1 - beta1) * (a * theta[0] - m[0])
                theta[0] -= eta * m[0] / p
            }
            #expect((abs(theta[0]) < 1e-3) == stable, "adam at \(factor)·threshold: θ = \(theta[0])")
        }
    }

    /// A GD run with Adam on a diagonal quadratic: the preconditioned sharpness of row t is
    /// maxᵢ λᵢ/Pᵢ with P the denominator of update t + 1, the plain one max λ; the summary uses
    /// the preconditioned one and 38/η.
    @Test func adaptiveRunsMeasureThePreconditionedSharpness() throws {
        let lambda = [3.0, 1.0, 0.5]
        let optimizer = Optimizer.adam(beta1: 0.9, beta2: 0.99, epsilon: 1e-8)
        // θ₃ = 0.001 gives P₃ = |g₃| = 0.0005 at step 0: λ₃/P₃ = 1000 ≥ 38/η = 760.
        let settings = GradientDescentSettings(learningRate: 0.05, steps: 6, sharpnessEvery: 2, tolerance: 1e-12, optimizer: optimizer)
        var state = GradientDescentState(theta: [1.0, -2.0, 0.001])
        var clock = NoPhaseClock()
        var rows: [TraceRecord] = []
        var states: [GradientDescentState<Double>] = []
        _ = GradientDescent(objective: DiagonalQuadratic(lambda), settings: settings).run(from: &state, clock: &clock) { r, s in
            rows.append(r); states.append(s); return .proceed
        }
        #expect(rows.filter { $0.preconditionedSharpness != nil }.map(\.step) == [0, 2, 4, 6])
        for (row, s) in zip(rows, states) {
            guard let measured = row.preconditionedSharpness else { continue }
            let g = zip(lambda, s.theta).map { $0 * $1 }
            let p = try #require(optimizer.preconditioner(squares: s.squares, gradient: g, count: s.step + 1))
            let expected = zip(lambda, p).map { $0 / $1 }.max()!
            #expect(abs(measured - expected) <= 1e-9 * expected, "row \(row.step): \(measured) vs \(expected)")
            #expect(abs(row.sharpness[0] - 3) < 1e-9)
        }
        let summary = EdgeOfStabilitySummary(trace: rows, learningRate: 0.05, sharpnessAt: .iterate, optimizer: optimizer)
        #expect(abs(summary.threshold - 760) < 1e-9 && summary.twoOverEta == 40)
        #expect(summary.eosStep == 0 && (rows[0].preconditionedSharpness ?? 0) > 760)
        let ratios = rows.compactMap(\.preconditionedSharpness).map { $0 / summary.threshold }
        #expect(abs(summary.sharpnessRatioMedian! - quantile(ratios, 0.5)!) < 1e-12)
        #expect(summary.maxSharpness.map { abs($0 - 3) < 1e-9 } == true)
    }

    /// The momentum methods measure the plain sharpness against their threshold; the midpoint is
    /// halfway along the step actually taken, θ_t + ½Δ_t.
    @Test func momentumRunsMeasureAtTheMidpointOfTheirStep() {
        // L = θ²/2 + θ³/6: L'' = 1 + θ, so the sharpness tells where it was measured.
        final class Cubic: Objective {
            var dimension: Int { 1 }
            func loss(at t: [Double]) -> Double { t[0] * t[0] / 2 + t[0] * t[0] * t[0] / 6 }
            func lossAndGradient(at t: [Double]) -> (loss: Double, gradient: [Double]) { (loss(at: t), [t[0] + t[0] * t[0] / 2]) }
            func hessianVectorProduct(at t: [Double], _ v: [Double]) -> [Double] { [(1 + t[0]) * v[0]] }
            func thirdDerivative(at t: [Double], _ u: [Double]) -> [Double] { [u[0] * u[0]] }
        }
        let eta = 0.2, beta = 0.5
        let settings = GradientDescentSettings(
            learningRate: eta, steps: 3, sharpnessEvery: 1, sharpnessAt: .midpoint, tolerance: 1e-12,
            optimizer: .polyak(momentum: beta))
        var state = GradientDescentState(theta: [0.8])
        var clock = NoPhaseClock()
        var rows: [TraceRecord] = []
        var thetas: [Double] = []
        _ = GradientDescent(objective: Cubic(), settings: settings).run(from: &state, clock: &clock) { r, s in
            rows.append(r); thetas.append(s.theta[0]); return .proceed
        }
        for t in 0..<3 {
            let midpoint = (thetas[t] + thetas[t + 1]) / 2
            #expect(abs(rows[t].sharpness[0] - (1 + midpoint)) < 1e-12, "row \(t)")
            #expect(rows[t].sharpnessAt == .midpoint && rows[t].preconditionedSharpness == nil)
        }
        let summary = EdgeOfStabilitySummary(trace: rows, learningRate: eta, sharpnessAt: .midpoint, optimizer: .polyak(momentum: beta))
        #expect(abs(summary.threshold - 3 / eta) < 1e-12)
    }

    /// A run with Adam stopped from outside resumes from its state (θ, m, v, warm starts) to the
    /// same bits as an uninterrupted one.
    @Test func anAdamRunResumesExactly() {
        let objective = DiagonalQuadratic([2.0, 1.0, 0.25])
        let settings = GradientDescentSettings(
            learningRate: 0.05, steps: 12, sharpnessEvery: 3, optimizer: .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8))
        var clock = NoPhaseClock()
        var full = GradientDescentState(theta: [1.0, 1.0, -1.0])
        var fullRows: [TraceRecord] = []
        _ = GradientDescent(objective: objective, settings: settings).run(from: &full, clock: &clock) { r, _ in
            fullRows.append(r); return .proceed
        }
        var interrupted = GradientDescentState(theta: [1.0, 1.0, -1.0])
        var rows: [TraceRecord] = []
        let reason = GradientDescent(objective: objective, settings: settings).run(from: &interrupted, clock: &clock) { r, _ in
            rows.append(r); return r.step == 7 ? .stop : .proceed
        }
        #expect(reason == .signal && interrupted.step == 7 && interrupted.momentum.count == 3 && interrupted.squares.count == 3)
        rows.removeLast()
        _ = GradientDescent(objective: objective, settings: settings).run(from: &interrupted, clock: &clock) { r, _ in
            rows.append(r); return .proceed
        }
        #expect(rows.map { "\($0)" } == fullRows.map { "\($0)" })
        #expect(interrupted == full)
    }
}
