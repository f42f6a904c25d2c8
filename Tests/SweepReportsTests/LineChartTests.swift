import Testing
@testable import SweepReports

@Suite struct LineChartTests {
    /// Plot area of a 400 × 300 frame at the origin without legend: x ∈ [64, 390], y ∈ [26, 258].
    @Test func aSeriesIsDrawnAtTheClosedFormPixels() {
        var canvas = SVGCanvas(width: 400, height: 300)
        let series = ChartSeries(name: "s", points: [(0, 0), (5, 2), (10, 10)], color: "#123456", marker: nil)
        LineChart(
            title: "t", xLabel: "x", yLabel: "y", series: [series], xKind: .linear, yKind: .linear,
            legendWidth: 0
        ).render(into: &canvas, x: 0, y: 0, width: 400, height: 300)
        // Domains [0, 10] on both axes: px = 64 + 32.6·x, py = 258 − 23.2·y.
        #expect(canvas.elements.contains { $0.contains("points=\"64,258 227,211.6 390,26\"") })
    }

    @Test func referenceLinesAreDashedAndAcrossThePlot() {
        var canvas = SVGCanvas(width: 400, height: 300)
        let series = ChartSeries(name: "s", points: [(0, 0), (10, 10)], color: "#000000", marker: nil)
        LineChart(
            title: "t", xLabel: "x", yLabel: "y", series: [series],
            references: [ReferenceLine(y: 5, color: "#D55E00", name: nil)],
            xKind: .linear, yKind: .linear, legendWidth: 0
        )
        .render(into: &canvas, x: 0, y: 0, width: 400, height: 300)
        #expect(
            canvas.elements.contains(
                "<line x1=\"64\" y1=\"142\" x2=\"390\" y2=\"142\" stroke=\"#D55E00\" stroke-width=\"1\" stroke-dasharray=\"5 4\"/>"))
    }

    @Test func nonFiniteValuesBreakTheLine() {
        let segments = LineChart.segments([(0, 0), (1, 1), nil, (3, 3), nil, nil, (5, 5), (6, 6)])
        #expect(segments.map(\.count) == [2, 1, 2])
    }

    @Test func thinningKeepsTheEnvelopeOfEachPixelColumn() {
        // One column (x ∈ [10, 11)) with a spike up and a dip, then one point in the next column.
        let points: [(x: Double, y: Double)] = [(10.0, 5), (10.2, 9), (10.4, 6), (10.6, 1), (10.8, 4), (11.5, 3)]
        let kept = LineChart.thinned(points)
        #expect(kept.map(\.y) == [5, 9, 1, 4, 3])
    }

    @Test func markersAreSpreadEvenlyAndShiftedByPhase() {
        #expect(LineChart.markerIndices(count: 5, markers: 10, phase: 0) == [0, 1, 2, 3, 4])
        #expect(LineChart.markerIndices(count: 101, markers: 4, phase: 0) == [0, 25, 50, 75])
        #expect(LineChart.markerIndices(count: 101, markers: 4, phase: 0.5) == [13, 38, 63, 88])
    }
}
