import Foundation
import Testing
@testable import SweepReports

/// The time axis option, 2/η lines inside the frame, v⋆'s own predictions and the |x|–y portrait.
@Suite struct ReportFigureOptionsTests {
    @Test func theLRStepsAxisPutsEveryRunOnTheTimeScaleOfGradientFlow() throws {
        let folder = try ReportFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try ReportFixtures.makeRunDirectory(in: folder)  // η = 0.5, steps 0 … 40
        let steps = try #require(try Report.make(source: run).figures.first { $0.name == "sharpness" }).svg
        let time = try #require(try Report.make(source: run, time: .lrSteps).figures.first { $0.name == "sharpness" }).svg
        #expect(steps.contains(">step t</text>") && steps.contains(">40</text>"))
        // η·t runs to 0.5 × 40 = 20: the axis ends there.
        #expect(time.contains(">time η·t</text>") && !time.contains(">step t</text>"))
        #expect(time.contains(">20</text>") && !time.contains(">40</text>"))
        let tracking = try #require(try Report.make(source: run, time: .lrSteps).figures.first { $0.name == "tracking" }).svg
        #expect(tracking.contains(">time η·t</text>"))
        #expect(TimeAxis.lrSteps.points([(x: 10, y: 1)], eta: 0.25).map(\.x) == [2.5])
        #expect(TimeAxis.lrSteps.points([(x: 10, y: 1)], eta: nil).isEmpty)
    }

    /// A 2/η that is a round number (20 for η = 0.1) used to be the axis's upper end, its dashed
    /// line hidden under the frame; the axis now ends beyond every reference line.
    @Test func referenceLinesLieInsideTheFrame() {
        let values = [1.0, 7.0, 19.5]
        let bare = AxisScale(kind: .linear, values: values + [20], start: 300, end: 0)
        #expect(bare.upper == 20)  // what happened before: the line on the frame's top edge
        let margins = LineChart.referenceMargins([20], around: values + [20], kind: .linear)
        let padded = AxisScale(kind: .linear, values: values + [20] + margins, start: 300, end: 0)
        #expect(padded.upper > 20 && padded.position(20) > 0 + 5)
        let low = AxisScale(
            kind: .linear, values: [2, 3] + LineChart.referenceMargins([2], around: [2, 3], kind: .linear), start: 300, end: 0)
        #expect(low.lower < 2)
        let log = AxisScale(
            kind: .logarithmic, values: [0.5, 10] + LineChart.referenceMargins([10], around: [0.5, 10], kind: .logarithmic), start: 300,
            end: 0)
        #expect(log.upper > 10)

        var canvas = SVGCanvas(width: 400, height: 300)
        LineChart(
            title: "t", xLabel: "x", yLabel: "y",
            series: [ChartSeries(name: "s", points: [(0, 1), (1, 19.5)], color: "#000000", marker: nil)],
            references: [ReferenceLine(y: 20, color: "#D55E00", name: nil)], xKind: .linear, yKind: .linear, legendWidth: 0
        ).render(into: &canvas, x: 0, y: 0, width: 400, height: 300)
        let svg = canvas.render(title: "t")
        let dashed = svg.split(separator: "\n").filter { $0.contains("#D55E00") && $0.contains("stroke-dasharray") }
        #expect(dashed.count == 1)
        // Its height in pixels lies below the frame's top edge (y = margin.top), inside the plot.
        let y1 = (dashed.first ?? "").components(separatedBy: "y1=\"").dropFirst().first?.prefix { $0 != "\"" }
        #expect(Double(y1.map(String.init) ?? "") ?? 0 > LineChart.margin.top + 5)
    }

    @Test func trackedRunsShowTheVStarPredictionsAndTheAbsXPortrait() throws {
        let folder = try ReportFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try Report.make(source: try ReportFixtures.makeRunDirectory(in: folder))
        let tracking = try #require(report.figures.first { $0.name == "tracking" }).svg
        for text in [
            "v⋆: L(θ†) + x⋆²/η", "v⋆: S(θ†) + y⋆", "v⋆: x⋆ (pred_x)", "v⋆: y⋆ (pred_y)", "L(θ†) + ½S(θ†)x² (GD&#39;s x)",
            "x = u·(θ − θ†): the oscillation along the top eigenvector",
        ] {
            #expect(tracking.contains(">\(text)</text>"), "\(text)")
        }
        // The fixture's x alternates in sign; the portrait plots |x|, so its x axis starts at 0.
        let portrait = try #require(report.figures.first { $0.name == "phase-portrait" }).svg
        #expect(portrait.contains(">|x| = |u·(θ − θ†)|</text>"))
        #expect(!portrait.contains(">-0.2</text>") && !portrait.contains(">-0.4</text>"))
    }

    /// v⋆'s loss prediction is L(θ†) + x⋆²/η, row by row.
    @Test func theVStarLossIsDaggerLossPlusPredXSquaredOverEta() throws {
        let track = try CSVTable(parsing: ReportFixtures.track(eta: 0.5), name: "track.csv")
        let dagger = try #require(track.column("dagger_loss")), predX = try #require(track.column("pred_x"))
        let points = TrackingFigure.predictedLoss(track, eta: 0.5)
        #expect(points.count == 21 && points.first?.x == 20)
        for (i, point) in points.enumerated() { #expect(abs(point.y - (dagger[i] + predX[i] * predX[i] / 0.5)) < 1e-15) }
    }
}
