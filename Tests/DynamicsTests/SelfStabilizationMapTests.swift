import Testing
@testable import Dynamics

@Suite struct SelfStabilizationMapTests {
    /// docs/THEORY.md §3's example: η = 0.25, α = 0.01, β = 1 (δ² = 0.02), started inside the cycle.
    /// Cycles run between upward zero crossings of y.
    ///
    /// ⟨x²⟩: summing y_{t+1} − y_t = η(α − βx_t²/2) over a cycle of N steps gives exactly
    /// ⟨x²⟩ − δ² = −2 (y_end − y_start)/(ηNβ), and |y_end − y_start| ≤ η max|α − βx²/2| (both ends
    /// are one step from the crossing), so |⟨x²⟩ − δ²| ≤ 2 max|α − βx²/2| / (Nβ). A cycle lasts a
    /// time T = ηN of order 1/√(αβ) in the flow, so this bound is O(η).
    /// ⟨y⟩: the map is the Euler discretization of the conservative flow (local error O(η²) per
    /// step, O(η) over a cycle of O(1/η) steps), whose cycle average of y is 0, so
    /// |⟨y⟩| ≤ C η max|y| with C of order 1; we assert C = 1.
    @Test func perCycleAveragesAreDeltaSquaredAndZeroToOrderEta() {
        let map = SelfStabilizationMap(learningRate: 0.25, alpha: 0.01, beta: 1)
        let orbit = map.orbit(x: 0.5 * map.deltaSquared.squareRoot(), y: 0, steps: 1200)
        let crossings = (1..<orbit.count).filter { orbit[$0 - 1].y < 0 && orbit[$0].y >= 0 }
        #expect(crossings.count >= 4)
        for c in 0..<3 {
            let cycle = orbit[crossings[c]..<crossings[c + 1]]
            let n = Double(cycle.count)
            let meanX2 = cycle.map { $0.x * $0.x }.reduce(0, +) / n
            let meanY = cycle.map(\.y).reduce(0, +) / n
            let maxForce = cycle.map { abs(map.alpha - map.beta / 2 * $0.x * $0.x) }.max()!
            let maxY = cycle.map { abs($0.y) }.max()!
            #expect(abs(meanX2 - map.deltaSquared) <= 2 * maxForce / (n * map.beta))
            #expect(abs(meanY) <= map.learningRate * maxY)
        }
    }

    @Test func oneStepFollowsTheFormula() {
        let map = SelfStabilizationMap(learningRate: 0.5, alpha: 0.2, beta: 4)
        let next = map.step(x: 0.3, y: -0.4)
        #expect(next.x == -(1 + 0.5 * -0.4) * 0.3)  // −0.8·0.3
        #expect(next.y == -0.4 + 0.5 * (0.2 - 2 * 0.09))  // −0.39
        #expect(map.deltaSquared == 0.1)
    }
}
