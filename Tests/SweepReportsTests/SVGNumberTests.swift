import Testing
@testable import SweepReports

@Suite struct SVGNumberTests {
    @Test func fixedRoundsAndDropsTrailingZeros() {
        #expect(SVGNumber.fixed(3) == "3")
        #expect(SVGNumber.fixed(2.5) == "2.5")
        #expect(SVGNumber.fixed(0.125, decimals: 2) == "0.13")
        #expect(SVGNumber.fixed(-7.25) == "-7.25")
        #expect(SVGNumber.fixed(1234.5, decimals: 0) == "1235")
        #expect(SVGNumber.fixed(0.05, decimals: 3) == "0.05")
    }

    @Test func fixedNeverWritesNegativeZero() {
        #expect(SVGNumber.fixed(-0.001) == "0")
        #expect(SVGNumber.fixed(-0.0) == "0")
    }

    @Test func labelsArePlainInTheReadableRangeAndScientificOutside() {
        #expect(SVGNumber.label(0.1) == "0.1")
        #expect(SVGNumber.label(0.25) == "0.25")
        #expect(SVGNumber.label(1234.5678) == "1235")
        #expect(SVGNumber.label(0.0012345) == "0.001235")
        #expect(SVGNumber.label(0.000025) == "2.5e-5")
        #expect(SVGNumber.label(123456) == "1.235e5")
        #expect(SVGNumber.label(99996) == "99996")
        #expect(SVGNumber.label(9.9996e6) == "1e7")
        #expect(SVGNumber.label(-3e-7) == "-3e-7")
        #expect(SVGNumber.label(.nan) == "nan")
        #expect(SVGNumber.label(-.infinity) == "-inf")
    }

    @Test func log10FloorIsExactAtPowersOfTen() {
        #expect(1000.0.log10Floor == 3)
        #expect(999.999.log10Floor == 2)
        #expect(0.001.log10Floor == -3)
        #expect(0.00099.log10Floor == -4)
        #expect(1e-300.log10Floor == -300)
    }

    @Test func escapingCoversTheXMLSpecialCharacters() {
        #expect(escaped("a<b & \"c\" > 'd'") == "a&lt;b &amp; &quot;c&quot; &gt; &#39;d&#39;")
    }
}
