import Testing
@testable import Dynamics

/// The one divergence test of GD, the instability finder and the tracker.
@Suite struct DivergenceTests {
    @Test func aNonFiniteLossOrOneAboveTheFactorTimesTheInitialLossHasDiverged() {
        #expect(hasDiverged(loss: Double.nan, initialLoss: 1, factor: 1e6))
        #expect(hasDiverged(loss: Double.infinity, initialLoss: 1, factor: 1e6))
        #expect(hasDiverged(loss: Float.infinity, initialLoss: 0, factor: 1e6))
        #expect(hasDiverged(loss: 2001.0, initialLoss: 2, factor: 1e3))
        #expect(!hasDiverged(loss: 2000.0, initialLoss: 2, factor: 1e3))  // equal is not above
        #expect(!hasDiverged(loss: Float(1e30), initialLoss: 0, factor: 1e6))  // L(θ₀) = 0: only non-finite counts
    }
}
