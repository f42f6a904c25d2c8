import Testing
@testable import SweepReports

@Suite struct PaletteTests {
    @Test func okabeItoColoursAreDistinctAndCycle() {
        #expect(Set(Palette.colors).count == 8)
        #expect(Palette.color(0) == "#0072B2" && Palette.color(8) == "#0072B2")
        #expect(Palette.marker(0) != Palette.marker(1))
    }

    /// viridisLite::viridis(9) gives #440154 … #21908C (middle) … #FDE725; t = 1/16 lies halfway
    /// between the first two stops #440154 and #472D7B.
    @Test func viridisMatchesThePublishedStops() {
        #expect(Palette.sequential(0) == "#440154")
        #expect(Palette.sequential(1) == "#fde725")
        #expect(Palette.sequential(0.5) == "#21908c")
        #expect(Palette.sequential(1.0 / 16) == "#461768")
        #expect(Palette.sequential(-3) == "#440154" && Palette.sequential(.nan) == "#440154")
    }

    @Test func viridisGetsLighterAlongTheScale() {
        // Rec. 709 luma must rise monotonically so grayscale keeps the order.
        func luma(_ hex: String) -> Double {
            let value = Int(hex.dropFirst(), radix: 16)!
            return 0.2126 * Double(value >> 16) + 0.7152 * Double((value >> 8) & 255) + 0.0722 * Double(value & 255)
        }
        let lumas = (0...20).map { luma(Palette.sequential(Double($0) / 20)) }
        #expect(zip(lumas, lumas.dropFirst()).allSatisfy { $0 < $1 })
    }
}
