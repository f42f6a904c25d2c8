/// Self-stabilization of a tracked run (Damian et al. 2023): GD against the constrained
/// trajectory θ† and the prediction θ† + v⋆, from track.csv, in three panels over the step t —
/// loss: L(θ_t), L(θ†_t) and L(θ†_t) + ½S(θ†_t)x_t² (= x²/η on M); sharpness: S(θ_t),
/// S(θ†_t) + y_t and S(θ†_t) with 2/η dashed; distance: ‖θ_t−θ†_t‖, ‖v⋆_t‖ and, when run, the
/// gradient-flow distance ‖θ_gf−θ†_t‖ (log scales where they span a factor of 20).
enum TrackingFigure {
    static let width = 760.0
    static let panelHeight = 260.0

    /// The styles of the four trajectories: GD, θ†, prediction, gradient flow.
    static func style(_ i: Int) -> (color: String, marker: MarkerShape, dash: String?) {
        (Palette.color(i), Palette.marker(i), Palette.dashes[i % Palette.dashes.count])
    }

    static func make(run: ReportRun, track: CSVTable, name: String, heading: String) -> Figure {
        var canvas = SVGCanvas(width: width, height: 30 + 3 * panelHeight)
        let configLine = ConfigSummary.line(run.config)
        canvas.text(heading, x: width / 2, y: 20, anchor: "middle", size: 14, bold: true)
        func series(_ label: String, _ column: String, _ i: Int) -> ChartSeries? {
            guard track.has(column) else { return nil }
            let s = style(i)
            return ChartSeries(
                name: label, points: track.points(x: "step", y: column), color: s.color,
                marker: s.marker, dash: s.dash, markerCount: 8, markerPhase: Double(i) / 4)
        }
        let panels: [(String, String, [ChartSeries?], [ReferenceLine])] = [
            (
                "loss: GD vs θ† vs prediction", "loss",
                [
                    series("GD L(θ)", "gd_loss", 0), series("L(θ†)", "dagger_loss", 1),
                    series("L(θ†) + x²/η", "pred_loss", 2),
                ], []
            ),
            (
                "sharpness", "sharpness",
                [
                    series("GD S(θ)", "gd_sharpness", 0), series("S(θ†)", "dagger_sharpness", 1),
                    series("S(θ†) + y", "pred_sharpness", 2),
                ],
                run.summary?.twoOverEta.map { [ReferenceLine(y: $0, color: "#000000", name: "2/η")] } ?? []
            ),
            (
                "distance", "distance",
                [
                    series("‖θ − θ†‖", "dist", 0), series("‖v⋆‖ (predicted)", "pred_dist", 2),
                    series("gradient flow ‖θ_gf − θ†‖", "gf_dist", 3),
                ], []
            ),
        ]
        for (index, panel) in panels.enumerated() {
            LineChart(
                title: panel.0, xLabel: "step t", yLabel: panel.1, series: panel.2.compactMap { $0 },
                references: panel.3, xKind: .linear, legendWidth: 200
            )
            .render(into: &canvas, x: 0, y: 30 + Double(index) * panelHeight, width: width, height: panelHeight)
        }
        let caption =
            "Tracked run \(run.label) (\(configLine)): GD (θ), the constrained trajectory θ† "
            + "(projected GD on {S ≤ 2/η}) and the predicted dynamics θ† + v⋆. GD's loss spikes follow "
            + "L(θ†) + x²/η, its sharpness follows S(θ†) + y, and it stays O(δ) from θ† — unlike gradient flow."
        return Figure(name: name, title: heading, caption: caption, svg: canvas.render(title: heading))
    }
}
