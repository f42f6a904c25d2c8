/// The figure of Cohen et al. (2021): sharpness S(θ_t) vs step t for every η, each with its
/// 2/η as a thin dashed line in the same colour, one panel per width, and the train loss
/// L(θ_t) under each panel (log scale when it spans a factor of 20 or more). A run with another
/// optimizer draws its own threshold instead of 2/η, and for adam and rmsprop the
/// preconditioned sharpness that threshold bounds (Cohen et al. 2022; docs/THEORY.md §11).
enum SharpnessFigure {
    static let panelWidth = 380.0
    static let legendWidth = 150.0
    static let sharpnessHeight = 300.0
    static let lossHeight = 250.0

    /// One figure for `runs` (those with a trace.csv are drawn): series along `axes.first`,
    /// panels along `axes.second`. `name` is the file stem, `heading` the title's first part.
    static func make(runs: [ReportRun], axes: GridAxes, name: String, heading: String, time: TimeAxis = .steps) -> Figure {
        let drawn = runs.filter { $0.trace != nil }
        let allGD = drawn.allSatisfy(\.isPlainGD)
        let seriesValues = axes.first.map { GridAxes.values(of: $0, in: drawn) } ?? []
        let panelValues = axes.second.map { GridAxes.values(of: $0, in: drawn) } ?? [.null]
        let columns = max(1, panelValues.count)
        let width = Double(columns) * panelWidth + legendWidth
        let titleHeight = 48.0
        var canvas = SVGCanvas(width: width, height: titleHeight + sharpnessHeight + lossHeight)
        let excluded = Set([axes.first, axes.second].compactMap { $0 } + axes.facets)
        let configLine = ConfigSummary.line(drawn.first?.config ?? [:], excluding: excluded)
        canvas.text(heading + ": sharpness and train loss", x: 10, y: 20, size: 14, bold: true)
        canvas.text(configLine, x: 10, y: 38, size: 12)

        // One legend for the figure: every series value, in the last panel's legend column.
        let legend = seriesValues.enumerated().map { index, value in
            ChartSeries(
                name: axes.first.map { "\(GridAxes.name($0)) = \(value.label)" } ?? value.label, points: [],
                color: Palette.color(index), marker: Palette.marker(index))
        }
        for (column, panelValue) in panelValues.enumerated() {
            let inPanel = drawn.filter { axes.second == nil || $0.grid[axes.second!] == panelValue }
            var sharpness: [ChartSeries] = [], loss: [ChartSeries] = [], references: [ReferenceLine] = []
            var diverged: [String] = [], running: [String] = []
            for (order, run) in inPanel.enumerated() {
                let index = axes.first.flatMap { key in seriesValues.firstIndex(of: run.grid[key] ?? .null) } ?? order
                let name = axes.first.map { "\(GridAxes.name($0)) = \(run.grid[$0]?.label ?? "")" } ?? run.label
                if run.isDiverged { diverged.append(name) }
                if run.isRunning { running.append(name) }
                let color = Palette.color(index), marker = Palette.marker(index)
                let phase = Double(index) / Double(max(1, seriesValues.count))
                let eta = run.learningRate
                let measured = time.points(run.trace?.points(x: "step", y: run.sharpnessColumn) ?? [], eta: eta).filter { $0.y.isFinite }
                sharpness.append(
                    ChartSeries(
                        name: name, points: measured, color: color, marker: marker,
                        markerPhase: phase))
                loss.append(
                    ChartSeries(
                        name: name, points: time.points(run.trace?.points(x: "step", y: "loss") ?? [], eta: eta),
                        color: color, marker: marker, markerPhase: phase))
                if let threshold = run.threshold, threshold.isFinite, threshold > 0 {
                    references.append(ReferenceLine(y: threshold, color: color, name: nil))
                }
            }
            let isLast = column == columns - 1
            if isLast && !references.isEmpty {
                references.append(ReferenceLine(y: .nan, color: "#000000", name: allGD ? "2/η (dashed)" : "threshold (dashed)"))
            }
            var panelTitle = axes.second.map { "\(GridAxes.name($0)) = \(panelValue.label)" } ?? "sharpness"
            if !diverged.isEmpty { panelTitle += " (diverged: " + diverged.joined(separator: ", ") + ")" }
            if !running.isEmpty { panelTitle += " (running: " + running.joined(separator: ", ") + ")" }
            let x = Double(column) * panelWidth
            let frameWidth = panelWidth + (isLast ? legendWidth : 0)
            let panelLegend = legend.isEmpty ? nil : legend
            let yLabel =
                inPanel.allSatisfy(\.isPreconditioned)
                ? "preconditioned sharpness"
                : inPanel.contains(where: \.isPreconditioned) ? "S (adam, rmsprop: preconditioned)" : "sharpness S(θ_t)"
            LineChart(
                title: panelTitle, xLabel: time.label, yLabel: yLabel, series: sharpness,
                references: references, xKind: .linear, legendWidth: isLast ? legendWidth : 0,
                legend: panelLegend
            )
            .render(into: &canvas, x: x, y: titleHeight, width: frameWidth, height: sharpnessHeight)
            LineChart(
                title: "train loss", xLabel: time.label, yLabel: "loss L(θ_t)", series: loss,
                xKind: .linear, legendWidth: isLast ? legendWidth : 0, legend: panelLegend
            )
            .render(into: &canvas, x: x, y: titleHeight + sharpnessHeight, width: frameWidth, height: lossHeight)
        }
        let caption =
            (allGD
                ? "Sharpness (top eigenvalue of the Hessian, markers where measured) and train loss vs "
                : "Sharpness (top eigenvalue of the Hessian; for adam and rmsprop of the preconditioned Hessian "
                    + "P^-1/2 H P^-1/2, P = diag(√v̂) + ε; markers where measured) and train loss vs ")
            + (time == .steps ? "GD step; " : "η·t (steps × learning rate: one time scale for every η); ")
            + (allGD
                ? "each dashed line is 2/η in its series' colour: at the edge of stability the sharpness rises "
                    + "to it and hovers there while the loss keeps falling, non-monotonically."
                : "each dashed line is its run's stability threshold in its series' colour — 2/η for gd and "
                    + "rmsprop, (2 + 2β)/η for polyak, (2 + 2β)/((1 + 2β)η) for nesterov, (2 + 2β₁)/((1 − β₁)η) "
                    + "for adam: at the edge of stability the sharpness rises to it and hovers there.")
        return Figure(name: name, title: heading, caption: caption, svg: canvas.render(title: heading))
    }
}
