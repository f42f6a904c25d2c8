/// Self-stabilization of a tracked run (Damian et al. 2023): GD against the constrained
/// trajectory θ† and the predicted dynamics θ† + v⋆, from track.csv, in five panels over time
/// (GD steps or η·t) — loss: L(θ_t), L(θ†_t), v⋆'s prediction L(θ†_t) + x⋆_t²/η (x⋆ = pred_x)
/// and the Taylor check L(θ†_t) + ½S(θ†_t)x_t² with GD's own x (pred_loss); sharpness: S(θ_t),
/// S(θ†_t), v⋆'s S(θ†_t) + y⋆_t (y⋆ = pred_y), with 2/η dashed; x = u·(θ − θ†) of GD and x⋆;
/// y = ∇S⊥·(θ − θ†) of GD and y⋆, with y = 0 dashed; distance: ‖θ_t−θ†_t‖, ‖v⋆_t‖ and, when
/// run, the gradient-flow distance ‖θ_gf−θ†_t‖ (log scales where they span a factor of 20).
enum TrackingFigure {
    static let width = 760.0
    static let panelHeight = 240.0

    /// The styles of the five trajectories: GD, θ†, v⋆'s prediction, gradient flow, the Taylor check.
    static func style(_ i: Int) -> (color: String, marker: MarkerShape, dash: String?) {
        (Palette.color(i), Palette.marker(i), Palette.dashes[i % Palette.dashes.count])
    }

    /// v⋆'s loss prediction L(θ†_t) + x⋆_t²/η (x⋆ = pred_x) by step; empty without those columns.
    static func predictedLoss(_ track: CSVTable, eta: Double) -> [(x: Double, y: Double)] {
        guard let steps = track.column("step"), let dagger = track.column("dagger_loss"), let x = track.column("pred_x") else {
            return []
        }
        return (0..<steps.count).map { (x: steps[$0], y: dagger[$0] + x[$0] * x[$0] / eta) }
    }

    static func make(run: ReportRun, track: CSVTable, name: String, heading: String, time: TimeAxis = .steps) -> Figure {
        let eta = run.learningRate
        func series(_ label: String, _ points: [(x: Double, y: Double)], _ i: Int) -> ChartSeries? {
            guard !points.isEmpty else { return nil }
            let s = style(i)
            return ChartSeries(
                name: label, points: time.points(points, eta: eta), color: s.color, marker: s.marker, dash: s.dash,
                markerCount: 8, markerPhase: Double(i) / 5)
        }
        func column(_ label: String, _ column: String, _ i: Int) -> ChartSeries? {
            track.has(column) ? series(label, track.points(x: "step", y: column), i) : nil
        }
        /// `base` + `f(other)` row by row, e.g. L(θ†) + x⋆²/η.
        func combined(_ label: String, _ base: String, _ other: String, _ i: Int, _ f: (Double) -> Double) -> ChartSeries? {
            guard let steps = track.column("step"), let b = track.column(base), let o = track.column(other) else { return nil }
            return series(label, (0..<steps.count).map { (x: steps[$0], y: b[$0] + f(o[$0])) }, i)
        }
        let twoOverEta = run.summary?.twoOverEta ?? eta.map { 2 / $0 }
        let predictedLoss = eta.flatMap { series("v⋆: L(θ†) + x⋆²/η", Self.predictedLoss(track, eta: $0), 2) }
        let panels: [(String, String, [ChartSeries?], [ReferenceLine])] = [
            (
                "loss: GD vs θ† vs v⋆'s prediction", "loss",
                [
                    column("GD L(θ)", "gd_loss", 0), column("L(θ†)", "dagger_loss", 1), predictedLoss,
                    column("L(θ†) + ½S(θ†)x² (GD's x)", "pred_loss", 4),
                ], []
            ),
            (
                "sharpness", "sharpness",
                [
                    column("GD S(θ)", "gd_sharpness", 0), column("S(θ†)", "dagger_sharpness", 1),
                    combined("v⋆: S(θ†) + y⋆", "dagger_sharpness", "pred_y", 2) { $0 },
                ],
                twoOverEta.map { [ReferenceLine(y: $0, color: "#000000", name: "2/η")] } ?? []
            ),
            (
                "x = u·(θ − θ†): the oscillation along the top eigenvector", "x",
                [column("GD x", "x", 0), column("v⋆: x⋆ (pred_x)", "pred_x", 2)], []
            ),
            (
                "y = ∇S⊥·(θ − θ†): the sharpness excess", "y",
                [column("GD y", "y", 0), column("v⋆: y⋆ (pred_y)", "pred_y", 2)],
                [ReferenceLine(y: 0, color: "#737373", name: "y = 0 (S = 2/η)")]
            ),
            (
                "distance", "distance",
                [
                    column("‖θ − θ†‖", "dist", 0), column("‖v⋆‖ (predicted)", "pred_dist", 2),
                    column("gradient flow ‖θ_gf − θ†‖", "gf_dist", 3),
                ], []
            ),
        ]
        var canvas = SVGCanvas(width: width, height: 30 + Double(panels.count) * panelHeight)
        let configLine = ConfigSummary.line(run.config)
        canvas.text(heading, x: width / 2, y: 20, anchor: "middle", size: 14, bold: true)
        for (index, panel) in panels.enumerated() {
            LineChart(
                title: panel.0, xLabel: time.label, yLabel: panel.1, series: panel.2.compactMap { $0 },
                references: panel.3, xKind: .linear, yKind: panel.1 == "x" || panel.1 == "y" ? .linear : nil, legendWidth: 200
            )
            .render(into: &canvas, x: 0, y: 30 + Double(index) * panelHeight, width: width, height: panelHeight)
        }
        let caption =
            "Tracked run \(run.label) (\(configLine)): GD (θ), the constrained trajectory θ† "
            + "(projected GD on {S ≤ 2/η}) and the predicted dynamics θ† + v⋆ with v⋆'s own x⋆ and y⋆. "
            + "GD's loss spikes follow L(θ†) + x⋆²/η, its sharpness follows S(θ†) + y⋆, its x and y follow x⋆ and y⋆, "
            + "and it stays O(δ) from θ† — unlike gradient flow."
        return Figure(name: name, title: heading, caption: caption, svg: canvas.render(title: heading))
    }
}
