import Foundation
import Testing
import LinearAlgebra
import Curvature
@testable import Dynamics

/// Independent copies of the self-stabilization toy, one per direction i (θ = (a₁…a_d, b₁…b_d)):
///
///     L = Σᵢ ½ (Sᵢ + κᵢ bᵢ) aᵢ² − gᵢ bᵢ
///     ∇L = ((Sᵢ + κᵢbᵢ) aᵢ, ½κᵢaᵢ² − gᵢ),   ∇³L[u, u] = (2κᵢ u_aᵢ u_bᵢ, κᵢ u_aᵢ²)
///
/// At a = 0 the Hessian is diag(Sᵢ + κᵢbᵢ, 0): aᵢ has eigenvalue λᵢ = Sᵢ + κᵢbᵢ, and
/// gᵢⱼ = ∇³L[e_aᵢ, e_aⱼ] = δᵢⱼ κᵢ e_bᵢ. The central flow (docs/THEORY.md §10) keeps a = 0 and
/// moves bᵢ at ηgᵢ per step until λᵢ = 2/η; from then on X holds it there:
/// db/dt = ηgᵢ − (η/2) κᵢ Σ_aᵢaᵢ = 0, so Σ_aᵢaᵢ = 2gᵢ/κᵢ and bᵢ = (2/η − Sᵢ)/κᵢ, exactly (Euler is
/// exact here: the flow is linear in b, and the SDCP lands λ on 2/η in each substep).
final class SeveralEdges: Objective {
    let s, kappa, g: [Double]
    init(s: [Double], kappa: [Double], g: [Double]) {
        self.s = s
        self.kappa = kappa
        self.g = g
    }
    var d: Int { s.count }
    var dimension: Int { 2 * d }
    func loss(at t: [Double]) -> Double {
        var total = 0.0
        for i in 0..<d {
            let curvature: Double = s[i] + kappa[i] * t[d + i]
            total += 0.5 * curvature * t[i] * t[i] - g[i] * t[d + i]
        }
        return total
    }
    func lossAndGradient(at t: [Double]) -> (loss: Double, gradient: [Double]) {
        var grad = [Double](repeating: 0, count: 2 * d)
        for i in 0..<d {
            grad[i] = (s[i] + kappa[i] * t[d + i]) * t[i]
            grad[d + i] = 0.5 * kappa[i] * t[i] * t[i] - g[i]
        }
        return (loss(at: t), grad)
    }
    func hessianVectorProduct(at t: [Double], _ v: [Double]) -> [Double] {
        var r = [Double](repeating: 0, count: 2 * d)
        for i in 0..<d {
            r[i] = (s[i] + kappa[i] * t[d + i]) * v[i] + kappa[i] * t[i] * v[d + i]
            r[d + i] = kappa[i] * t[i] * v[i]
        }
        return r
    }
    func thirdDerivative(at t: [Double], _ u: [Double]) -> [Double] {
        var r = [Double](repeating: 0, count: 2 * d)
        for i in 0..<d {
            r[i] = 2 * kappa[i] * u[i] * u[d + i]
            r[d + i] = kappa[i] * u[i] * u[i]
        }
        return r
    }
}

@Suite struct CentralFlowTests {
    let eta = 0.1
    let toy = SeveralEdges(s: [19, 19, 18.5], kappa: [1, 2, 4], g: [0.5, 1.5, 2])

    @Test func theFlowHoldsEveryCriticalEigenvalueAtTwoOverEtaWithTheClosedFormSigma() {
        let flow = CentralFlow(objective: toy, settings: CentralFlowSettings(learningRate: eta, substeps: 4, tolerance: 1e-12))
        var state = CentralFlowState(w: [Double](repeating: 0, count: 6), count: 1)
        var growth: [Int] = []
        var steps: [CentralFlowStep] = []
        for _ in 0..<60 {
            let step = flow.advance(&state)
            growth += step.growth
            steps.append(step)
        }
        // λᵢ reaches 2/η = 20 after (20 − Sᵢ)/(κᵢηgᵢ) = 20, 5 and 1.875 steps; k grows to 4 (λ₄ = 0).
        #expect(growth == [2, 3, 4])
        #expect(state.count == 4)
        for i in 0..<3 {
            #expect(abs(state.w[i]) < 1e-12)
            #expect(abs(state.w[3 + i] - (20 - toy.s[i]) / toy.kappa[i]) < 1e-10, "b\(i + 1) = \(state.w[3 + i])")
        }
        // Before direction 1 is critical (λ₁ = 19 + 0.05 t ≤ 19.5 until t = 10) b₁ = ηg₁t exactly.
        #expect(steps[8].point.criticalCount == 2)
        let last = flow.point(&state, dt: 0.25)
        #expect(last.criticalCount == 3)
        for lambda in last.eigenvalues.prefix(3) { #expect(abs(lambda - 20) < 1e-9) }
        // Σ's diagonal in the a basis is 2gᵢ/κᵢ = 1, 1.5, 1; tr X = 3.5.
        for i in 0..<3 {
            let diagonal = zip(last.sigmaEigenvalues, last.sigmaEigenvectors).reduce(0.0) { $0 + $1.0 * $1.1[i] * $1.1[i] }
            #expect(abs(diagonal - 2 * toy.g[i] / toy.kappa[i]) < 1e-8, "Σ_a\(i + 1)a\(i + 1) = \(diagonal)")
        }
        #expect(abs(last.traceX - 3.5) < 1e-8)
        #expect(last.sdcpViolation < 1e-10)
        // Cost per step with 3 critical: 4 × (1 gradient, ≤ 4 blocks of k HVPs, 6 = 3·4/2 ∇³L products).
        let cost = steps.last!.cost
        #expect(cost.gradients == 4 && cost.thirdDerivatives == 24 && cost.hessianVectorProducts <= 4 * 4 * 4)
    }

    @Test func theSideBySideRunComparesGDTheFlowAndGradientFlowFromOneStart() {
        let run = CentralFlowRun(
            objective: toy,
            settings: CentralFlowRunSettings(
                flow: CentralFlowSettings(learningRate: eta, substeps: 4, tolerance: 1e-12), steps: 30, eigenvalueCount: 2))
        let start = [Double](repeating: 0, count: 6)
        var state = run.start(at: start, step: 7, initialLoss: toy.loss(at: start))
        var clock = NoPhaseClock()
        var rows: [CentralFlowRunStep] = []
        let reason = run.run(from: &state, emitStartTrace: false, clock: &clock) { row, _ in
            rows.append(row); return .proceed
        }
        #expect(reason == .steps)
        #expect(rows.map(\.central.step) == Array(7...37))
        #expect(rows[0].trace == nil && rows[1].trace?.step == 8)
        #expect(rows[0].central.gdLossAverage == nil)
        let r = rows[20].central
        // GD from a = 0 is gradient flow's Euler: b grows at ηg per step; gradient flow the same exactly.
        #expect(abs(r.gdLossAverage! - (rows[19].central.gdLoss + r.gdLoss) / 2) < 1e-15)
        #expect(abs(r.gfDist!) < 1e-9)
        #expect(abs(r.predictedLoss - (r.centralLoss + 10 * (r.sigmaEigenvalues.reduce(0, +)))) < 1e-9)
        #expect(r.k == 4 && r.critical == 3 && r.gdEigenvalues.count == 4)
        // GD's b has left the flow's: ‖θ − w‖ is the distance in b.
        var squared = 0.0
        for i in 0..<3 {
            let gd: Double = 0.1 * toy.g[i] * 20
            let held: Double = (20 - toy.s[i]) / toy.kappa[i]
            squared += (gd - min(gd, held)) * (gd - min(gd, held))
        }
        #expect(abs(r.dist - squared.squareRoot()) < 1e-9)
        let summary = CentralSummary(startStep: 7, rows: rows.map(\.central))
        #expect(summary.directionsMax == 3 && summary.lossErrorMedian != nil && summary.startStep == 7)
    }

    /// A run stopped at a row and resumed from the state handed with it (what a checkpoint keeps,
    /// through JSON) gives the rows of an uninterrupted run bit for bit.
    @Test func aRunResumedFromTheStateOfARowRepeatsItExactly() throws {
        let run = CentralFlowRun(
            objective: toy,
            settings: CentralFlowRunSettings(
                flow: CentralFlowSettings(learningRate: eta, substeps: 3, tolerance: 1e-12), steps: 25, eigenvalueCount: 1))
        let start = [Double](repeating: 0.01, count: 6)
        var clock = NoPhaseClock()
        var whole: [CentralRecord] = []
        var state = run.start(at: start, step: 0, initialLoss: toy.loss(at: start))
        _ = run.run(from: &state, emitStartTrace: true, clock: &clock) { row, _ in
            whole.append(row.central); return .proceed
        }
        var first: [CentralRecord] = []
        var saved: CentralFlowRunState?
        state = run.start(at: start, step: 0, initialLoss: toy.loss(at: start))
        let stopped = run.run(from: &state, emitStartTrace: true, clock: &clock) { row, rowStart in
            if row.central.step == 12 { saved = rowStart; return .stop }
            first.append(row.central); return .proceed
        }
        #expect(stopped == .signal && first.count == 12)
        let json = try JSONEncoder().encode(try #require(saved))
        var resumed = try JSONDecoder().decode(CentralFlowRunState.self, from: json)
        #expect(resumed == state)
        var rest: [CentralRecord] = []
        _ = run.run(from: &resumed, emitStartTrace: true, clock: &clock) { row, _ in
            rest.append(row.central); return .proceed
        }
        #expect(first + rest == whole)
        #expect(whole.contains { $0.critical > 0 }, "the toy never reached the edge: the test would not test the flow")
    }
}
