/// GD against its central flow (Cohen, Damian et al. 2025; docs/THEORY.md §10), from central.csv,
/// in four panels over the step t — loss: L(θ_t), its 2-step average, the prediction
/// L(w) + tr(X)/η, L(w) and gradient flow's loss; eigenvalues: GD's top k (solid) and the flow's
/// (dashed) with 2/η; critical directions and k; distance: ‖θ − w‖ against ‖θ − θ_gf‖.
enum CentralFlowFigure {
    static let width = 760.0
    static let panelHeight = 250.0

    static func make(run: ReportRun, central: CSVTable, name: String, heading: String) -> Figure {
        var canvas = SVGCanvas(width: width, height: 30 + 4 * panelHeight)
        let configLine = ConfigSummary.line(run.config)
        canvas.text(heading, x: width / 2, y: 20, anchor: "middle", size: 14, bold: true)
        func series(_ label: String, _ column: String, _ i: Int) -> ChartSeries? {
            guard central.has(column) else { return nil }
            return ChartSeries(
                name: label, points: central.points(x: "step", y: column), color: Palette.color(i),
                marker: Palette.marker(i), dash: Palette.dashes[i % Palette.dashes.count], markerCount: 8,
                markerPhase: Double(i) / 5)
        }
        func eigenvalue(_ label: String, _ column: String, _ i: Int, dash: String?, inLegend: Bool) -> ChartSeries? {
            guard central.has(column) else { return nil }
            return ChartSeries(
                name: label, points: central.points(x: "step", y: column), color: Palette.color(i), marker: nil,
                dash: dash, lineWidth: 1.2, inLegend: inLegend)
        }
        // One colour per eigenvalue index; GD solid, the flow dashed; the legend names the first only.
        var eigen: [ChartSeries?] = []
        var index = 1
        while central.has("gd_lambda_\(index)") {
            let first = index == 1
            eigen.append(eigenvalue("GD λᵢ(θ)", "gd_lambda_\(index)", 0, dash: nil, inLegend: first))
            eigen.append(eigenvalue("flow λᵢ(w)", "flow_lambda_\(index)", 1, dash: "6 3", inLegend: first))
            index += 1
        }
        let twoOverEta = run.summary?.twoOverEta.map { [ReferenceLine(y: $0, color: "#000000", name: "2/η")] } ?? []
        let panels: [(String, String, [ChartSeries?], [ReferenceLine])] = [
            (
                "loss: GD vs central flow prediction vs gradient flow", "loss",
                [
                    series("GD L(θ)", "gd_loss", 0), series("GD 2-step average", "gd_loss_avg2", 4),
                    series("L(w) + tr(X)/η (predicted)", "pred_loss", 2), series("L(w)", "central_loss", 1),
                    series("gradient flow", "gf_loss", 3),
                ], []
            ),
            ("top eigenvalues: GD vs central flow", "eigenvalue", eigen, twoOverEta),
            (
                "critical directions (λ > τ/η at w)", "count",
                [series("critical", "critical", 2), series("k tracked", "k", 5)], []
            ),
            (
                "distance from GD", "distance",
                [series("‖θ − w‖ (central flow)", "dist", 1), series("‖θ − θ_gf‖ (gradient flow)", "gf_dist", 3)], []
            ),
        ]
        for (i, panel) in panels.enumerated() {
            LineChart(
                title: panel.0, xLabel: "step t", yLabel: panel.1, series: panel.2.compactMap { $0 },
                references: panel.3, xKind: .linear, legendWidth: 200
            )
            .render(into: &canvas, x: 0, y: 30 + Double(i) * panelHeight, width: width, height: panelHeight)
        }
        let caption =
            "Central run \(run.label) (\(configLine)): GD (θ), its central flow w (the time-averaged path "
            + "with any number of directions at the edge) and gradient flow from the same start. GD's averaged "
            + "loss follows L(w) + tr(X)/η, its top eigenvalues hover at 2/η with the flow's, and it stays "
            + "close to w while gradient flow drifts away."
        return Figure(name: name, title: heading, caption: caption, svg: canvas.render(title: heading))
    }
}
