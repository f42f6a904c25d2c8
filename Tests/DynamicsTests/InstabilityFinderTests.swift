import Testing
import Foundation
import LinearAlgebra
import Curvature
import NeuralNetwork
@testable import Dynamics

/// On `EdgeToy` with a = 0 GD never leaves the line a = 0 and b_t = b₀ + ηg t; the midpoint
/// θ_t − (η/2)∇L has b + ηg/2, so the midpoint sharpness is S₀ + k(b₀ + ηg(t + ½)) and the first
/// unstable step is the least t with that ≥ 2/η. With S₀ = 4, k = 1, g = 0.05, η = 0.25, b₀ = 0:
/// t + ½ ≥ 4/0.0125 = 320 → t0 = 320 (S_mid(319) = 7.99375, S_mid(320) = 8.00625).
@Suite struct InstabilityFinderTests {
    let eta = 0.25
    let toy = EdgeToy(s0: 4, k: 1, g: 0.05, mu: 1, h: 0.5)
    let start = [0.0, 0.0, 0.3, 0.0]

    func closedFormT0() -> Int {
        Int(((2 / eta - toy.s0) / (toy.k * eta * toy.g) - 0.5).rounded(.up))
    }

    func find(every: Int, steps: Int = 1000) -> (InstabilityOutcome<Double>, [TraceRecord]) {
        var state = InstabilityFinderState(theta: start)
        var clock = NoPhaseClock()
        var rows: [TraceRecord] = []
        let outcome = InstabilityFinder(objective: toy, settings: InstabilityFinderSettings(learningRate: eta, steps: steps, every: every))
            .run(from: &state, clock: &clock) { row, _ in
                rows.append(row); return .proceed
            }
        return (outcome, rows)
    }

    @Test func findsTheExactCrossingStepWithAnyCheckInterval() throws {
        let t0 = closedFormT0()
        #expect(t0 == 320)
        var thetas: [[Double]] = []
        for every in [1, 50, 400] {  // 400 > t0: the first sparse check is past the crossing → backtracking
            let (outcome, rows) = find(every: every)
            guard case .unstable(let step, let theta, let s) = outcome else { Issue.record("no instability found"); return }
            #expect(step == t0)
            #expect(abs(s - (toy.s0 + toy.k * eta * toy.g * (Double(t0) + 0.5))) < 1e-10)
            #expect(rows.map(\.step) == Array(0...t0))  // every row exactly once, in order
            #expect(rows.last!.sharpness[0] >= 2 / eta && rows.last!.sharpnessAt == .midpoint)
            #expect(abs(theta[1] - eta * toy.g * Double(t0)) < 1e-12)
            for row in rows where !row.sharpness.isEmpty {
                let expected = toy.s0 + toy.k * eta * toy.g * (Double(row.step) + 0.5)
                #expect(abs(row.sharpness[0] - expected) < 1e-10)
                #expect(row.step == t0 || row.sharpness[0] < 2 / eta)
            }
            thetas.append(theta)
            let checked = Set(rows.filter { !$0.sharpness.isEmpty }.map(\.step))
            switch every {
            case 50:  // sparse while S_mid < 6 (t ≤ 150), every step from the check at 200 (S_mid = 6.50625)
                #expect(checked == Set([0, 50, 100, 150]).union(200...t0))
            case 400:  // the check at 400 overshot; the re-run from the kept θ₀ checks every step
                #expect(checked == Set(0...t0))
            default:
                #expect(checked == Set(0...t0))
            }
        }
        #expect(thetas[0] == thetas[1] && thetas[1] == thetas[2])
    }

    @Test func aRunThatStaysStableSaysSo() {
        let (outcome, rows) = find(every: 30, steps: 100)
        #expect(outcome == .stopped(.noInstability))
        #expect(rows.map(\.step) == Array(0...100))
        #expect(rows.filter { !$0.sharpness.isEmpty }.map(\.step) == [0, 30, 60, 90, 100])
    }

    @Test func sameInputsGiveTheSameBits() {
        let (a, rowsA) = find(every: 50)
        let (b, rowsB) = find(every: 50)
        #expect(a == b)
        #expect(rowsA.map { "\($0)" } == rowsB.map { "\($0)" })
    }

    @Test func resumingFromACheckpointGivesTheSameRows() throws {
        let (full, fullRows) = find(every: 50)
        var state = InstabilityFinderState(theta: start)
        var clock = NoPhaseClock()
        var rows: [TraceRecord] = []
        var saved: Data?
        let settings = InstabilityFinderSettings(learningRate: eta, steps: 1000, every: 50)
        let stopped = InstabilityFinder(objective: toy, settings: settings).run(from: &state, clock: &clock) { row, checkpoint in
            rows.append(row)
            if let checkpoint, row.step == 100 { saved = try? JSONEncoder().encode(checkpoint); return .stop }
            return .proceed
        }
        #expect(stopped == .stopped(.signal))
        var resumed = try JSONDecoder().decode(InstabilityFinderState<Double>.self, from: try #require(saved))
        #expect(resumed.checkedStep == 100)
        let outcome = InstabilityFinder(objective: toy, settings: settings).run(from: &resumed, clock: &clock) { row, _ in
            rows.append(row); return .proceed
        }
        #expect(outcome == full)
        #expect(rows.map { "\($0)" } == fullRows.map { "\($0)" })
    }

    /// Phase A in Float32 on a tiny network: the exact crossing is not known, but the found t0
    /// must satisfy its definition: S_mid(t0) ≥ 2/η and every earlier check below.
    @Test func float32NetworkFindsAnInstabilityConsistentWithItsChecks() throws {
        let (objective, theta0) = TinyNetwork.make(Float.self)
        var meter = SharpnessMeter<FullBatchLoss<Float>>(count: 1, tolerance: 1e-6, location: .midpoint, seed: 0)
        let g0 = objective.lossAndGradient(at: theta0).gradient
        let s0 = Double(meter.measure(objective, at: theta0, gradient: g0, learningRate: 0.01).eigenvalues[0])
        let eta = 2 / (1.02 * s0)  // 2/η just above the initial sharpness: unstable within a few steps
        var state = InstabilityFinderState(theta: theta0)
        var clock = NoPhaseClock()
        var rows: [TraceRecord] = []
        let outcome = InstabilityFinder(
            objective: objective, settings: InstabilityFinderSettings(learningRate: eta, steps: 200, every: 5, tolerance: 1e-6)
        )
        .run(from: &state, clock: &clock) { row, _ in
            rows.append(row); return .proceed
        }
        guard case .unstable(let t0, let theta, _) = outcome else { Issue.record("expected an instability, got \(outcome)"); return }
        #expect(theta.allSatisfy { $0.isFinite })
        #expect(rows.map(\.step) == Array(0...t0))
        #expect(rows.dropLast().allSatisfy { $0.sharpness.isEmpty || $0.sharpness[0] < 2 / eta })
        #expect(rows.last!.sharpness[0] >= 2 / eta)
    }
}
