/// The phase portrait of self-stabilization: |x_t| = |u·(θ_t−θ†_t)| (the size of the oscillation
/// along the top eigenvector; x's sign flips every step) against y_t = ∇S⊥·(θ_t−θ†_t) (the
/// sharpness excess, S ≈ 2/η + y), for GD and for the prediction v⋆ (|pred_x|, pred_y): y grows
/// while |x| is small, |x| grows while y > 0, and y falls below 0 once x² passes δ² = 2α/β.
enum PhasePortraitFigure {
    static let width = 640.0
    static let height = 460.0

    static func make(run: ReportRun, track: CSVTable, name: String, heading: String) -> Figure {
        var canvas = SVGCanvas(width: width, height: height)
        var series: [ChartSeries] = []
        for (i, (label, x, y)) in [("GD (|x|, y)", "x", "y"), ("prediction v⋆ (|x⋆|, y⋆)", "pred_x", "pred_y")].enumerated()
        where track.has(x) && track.has(y) {
            let style = TrackingFigure.style(i == 0 ? 0 : 2)
            series.append(
                ChartSeries(
                    name: label, points: track.points(x: x, y: y).map { (x: Swift.abs($0.x), y: $0.y) }, color: style.color,
                    marker: style.marker, dash: style.dash, lineWidth: 0.75, markerCount: 60,
                    markerPhase: Double(i) / 2))
        }
        LineChart(
            title: heading, xLabel: "|x| = |u·(θ − θ†)|", yLabel: "y = ∇S⊥·(θ − θ†)", series: series,
            references: [ReferenceLine(y: 0, color: "#737373", name: "y = 0 (S = 2/η)")],
            xKind: .linear, yKind: .linear, legendWidth: 170
        )
        .render(into: &canvas, x: 0, y: 0, width: width, height: height)
        let caption =
            "Phase portrait of tracked run \(run.label): the size |x| of the oscillation along the unstable direction "
            + "against y, the sharpness excess. y grows while |x| is small, |x| grows while y > 0, and y turns negative "
            + "each time x² grows past δ² — the self-stabilization cycle, for GD and for v⋆."
        return Figure(name: name, title: heading, caption: caption, svg: canvas.render(title: heading))
    }
}
