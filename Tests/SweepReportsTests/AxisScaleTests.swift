import Testing
@testable import SweepReports

@Suite struct AxisScaleTests {
    @Test func niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        #expect(AxisScale.niceStep(1.88) == 2)
        #expect(AxisScale.niceStep(0.3) == 0.5)
        #expect(AxisScale.niceStep(1) == 1)
        #expect(AxisScale.niceStep(6) == 10)
        #expect(AxisScale.niceStep(0.0007) == 0.001)
    }

    @Test func linearDomainCoversTheDataOnNiceTicks() {
        let scale = AxisScale(kind: .linear, values: [0.3, 9.7, .nan], start: 100, end: 600)
        #expect(scale.lower == 0 && scale.upper == 10)
        #expect(scale.ticks().map(\.label) == ["0", "2", "4", "6", "8", "10"])
        // x ↦ 100 + (x − 0)/(10 − 0)·500
        #expect(scale.position(2.5) == 225)
        #expect(scale.position(10) == 600)
    }

    @Test func linearTicksCarryTheDecimalsOfTheirStep() {
        let scale = AxisScale(kind: .linear, values: [0.91, 1.07], start: 0, end: 1)
        #expect(scale.ticks().map(\.label) == ["0.9", "0.95", "1", "1.05", "1.1"])
    }

    /// 3.89 … 6.22 gives step 0.5 and the domain [3.5, 6.5]; every tick must lie in it.
    @Test func ticksStayInsideTheDomain() {
        let scale = AxisScale(kind: .linear, values: [3.89, 6.22], start: 0, end: 1)
        #expect(scale.lower == 3.5 && scale.upper == 6.5)
        #expect(scale.ticks().map(\.label) == ["3.5", "4", "4.5", "5", "5.5", "6", "6.5"])
    }

    @Test func constantDataGetsAPaddedDomain() {
        let scale = AxisScale(kind: .linear, values: [4, 4], start: 0, end: 1)
        #expect(scale.lower < 4 && scale.upper > 4)
    }

    @Test func logDomainIsWholeDecadesAndMapsEachDecadeToEqualLength() {
        let scale = AxisScale(kind: .logarithmic, values: [0.003, 40, -1, 0], start: 500, end: 0)
        #expect(scale.lower == 0.001 && scale.upper == 100)
        #expect(scale.ticks().map(\.label) == ["0.001", "0.01", "0.1", "1", "10", "100"])
        // Five decades over 500 px, bottom to top: 0.01 is one decade up.
        #expect(Swift.abs(scale.position(0.01) - 400) < 1e-9)
        #expect(Swift.abs(scale.position(1) - 200) < 1e-9)
        #expect(!scale.accepts(0) && !scale.accepts(-1) && scale.accepts(1e-9))
    }

    @Test func shortLogAxesAlsoTickAtTwoAndFive() {
        let scale = AxisScale(kind: .logarithmic, values: [1, 50], start: 0, end: 1)
        #expect(scale.ticks().map(\.value) == [1, 2, 5, 10, 20, 50, 100])
    }

    @Test func automaticKindIsLogOnlyForPositiveDataSpanningATwentyfoldRange() {
        #expect(AxisScale.Kind.automatic(for: [0.05, 1]) == .logarithmic)
        #expect(AxisScale.Kind.automatic(for: [0.06, 1]) == .linear)
        #expect(AxisScale.Kind.automatic(for: [-1, 1000]) == .linear)
        #expect(AxisScale.Kind.automatic(for: [1, 1000, .infinity]) == .logarithmic)
    }
}
