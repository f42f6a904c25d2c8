import RunRecord

/// A summary field other than `sharpness_ratio_median` for a grid heatmap: the value that colours a
/// cell, its annotation and texts.
struct HeatmapMetric: Sendable {
    /// The figure's title after the sweep's name.
    let title: String
    let value: @Sendable (RunSummary) -> Double?
    /// The second line of a cell.
    let annotation: @Sendable (RunSummary) -> String
    /// A finished cell without a value.
    let missing: String
    let scaleLabel: String
    /// The colour scale spans at least this much.
    let minimumSpan: Double
    let legendNote: String
    let caption: String

    /// `central_loss_error_median` (how well the central flow predicts GD's averaged loss) with
    /// `central_directions_max`.
    static let centralLossError = HeatmapMetric(
        title: "central_loss_error_median (|GD avg loss − L(w) − tr(X)/η| / GD avg loss)",
        value: { $0.centralLossErrorMedian },
        annotation: { s in s.centralDirectionsMax.map { "dirs ≤ \($0)" } ?? "" },
        missing: "no central", scaleLabel: "rel. error", minimumSpan: 0.01,
        legendNote: "dirs = central_directions_max (most critical directions); blank = not finished",
        caption: "Median relative error of the central flow's prediction L(w) + tr(X)/η of GD's loss "
            + "averaged over two steps, per grid cell (0 = exact); dirs is the most directions at 2/η at once.")
}

/// The grid at a glance: one cell per (η, width) — or the grid's first two axes — coloured by
/// `sharpness_ratio_median` (median of S·η/2 after the EoS step: 1 = sharpness held at 2/η; with
/// other optimizers S over the run's own threshold),
/// annotated with the value and `eos_step`; diverged cells hatched grey, failed cells crossed,
/// unfinished cells blank. Further axes give one panel each (facets). With a `HeatmapMetric`
/// (`heatmap-central`) the cells show that field instead.
enum GridHeatmapFigure {
    static let cellWidth = 86.0
    static let cellHeight = 48.0
    static let colorBarWidth = 90.0

    static func make(input: ReportInput, axes: GridAxes, name: String, metric: HeatmapMetric? = nil) -> Figure {
        let xValues = axes.first.map { GridAxes.values(of: $0, in: input.runs) } ?? [.null]
        let yValues = axes.second.map { GridAxes.values(of: $0, in: input.runs) } ?? [.null]
        let groups = axes.facetGroups(input.runs)
        let ratios = input.runs.filter { !$0.isFailed && !$0.isDiverged }
            .compactMap { run in run.summary.flatMap { metric?.value($0) ?? $0.sharpnessRatioMedian } }.filter(\.isFinite)
        var low = ratios.min() ?? 0, high = ratios.max() ?? 1
        let span = metric?.minimumSpan ?? 0.1
        if high - low < span {
            let middle = (low + high) / 2
            (low, high) = (middle - span / 2, middle + span / 2)
        }

        let panelWidth = 80 + Double(xValues.count) * cellWidth + 20
        let panelHeight = 34 + Double(yValues.count) * cellHeight + 50
        let perRow = min(groups.count, 3)
        let rows = (groups.count + perRow - 1) / perRow
        let titleHeight = 48.0
        let width = max(620, Double(perRow) * panelWidth + colorBarWidth)
        let height = titleHeight + Double(rows) * panelHeight + 60
        var canvas = SVGCanvas(width: width, height: height)
        let hatch = "hatch-" + name, cross = "cross-" + name
        canvas.raw(
            "<defs><pattern id=\"\(hatch)\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" "
                + "patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"#d9d9d9\"/>"
                + "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#737373\" stroke-width=\"3\"/></pattern>"
                + "<pattern id=\"\(cross)\" width=\"10\" height=\"10\" patternUnits=\"userSpaceOnUse\">"
                + "<rect width=\"10\" height=\"10\" fill=\"#ffffff\"/><path d=\"M0,0 L10,10 M10,0 L0,10\" "
                + "stroke=\"#D55E00\" stroke-width=\"1.5\"/></pattern></defs>")
        let excluded = Set([axes.first, axes.second].compactMap { $0 } + axes.facets)
        let configLine = ConfigSummary.line(input.runs.first?.config ?? [:], excluding: excluded)
        let allGD = input.runs.allSatisfy(\.isPlainGD)
        let ratio = allGD ? "S·η/2" : "S/threshold"
        let title = metric.map { "\(input.name): \($0.title)" } ?? "\(input.name): sharpness_ratio_median (\(ratio) after the EoS step)"
        canvas.text(title, x: 10, y: 20, size: 14, bold: true)
        canvas.text(configLine, x: 10, y: 38, size: 12)

        for (index, group) in groups.enumerated() {
            let left = Double(index % perRow) * panelWidth + 80
            let top = titleHeight + Double(index / perRow) * panelHeight + 34
            if !group.label.isEmpty {
                canvas.text(
                    group.label, x: left + Double(xValues.count) * cellWidth / 2, y: top - 10,
                    anchor: "middle", size: 13, bold: true)
            }
            for (row, yValue) in yValues.reversed().enumerated() {
                let cellTop = top + Double(row) * cellHeight
                canvas.text(yValue.label, x: left - 8, y: cellTop + cellHeight / 2 + 4, anchor: "end", size: 11)
                for (column, xValue) in xValues.enumerated() {
                    let run = group.runs.first { run in
                        (axes.first.map { run.grid[$0] == xValue } ?? true)
                            && (axes.second.map { run.grid[$0] == yValue } ?? true)
                    }
                    drawCell(
                        run, metric: metric, into: &canvas, x: left + Double(column) * cellWidth, y: cellTop,
                        low: low, high: high, hatch: hatch, cross: cross)
                }
            }
            let bottom = top + Double(yValues.count) * cellHeight
            for (column, xValue) in xValues.enumerated() {
                canvas.text(
                    xValue.label, x: left + (Double(column) + 0.5) * cellWidth, y: bottom + 16,
                    anchor: "middle", size: 11)
            }
            canvas.text(
                axes.first.map(GridAxes.name) ?? "", x: left + Double(xValues.count) * cellWidth / 2,
                y: bottom + 34, anchor: "middle")
            // Left of the longest row label (≈ 6.5 px per character at size 11), within the margin.
            let labelWidth = yValues.map { Double($0.label.count) * 6.5 }.max() ?? 0
            canvas.text(
                axes.second.map(GridAxes.name) ?? "", x: left - min(75, max(50, labelWidth + 22)),
                y: top + Double(yValues.count) * cellHeight / 2, anchor: "middle", rotate: -90)
        }
        drawColorBar(
            into: &canvas, x: Double(perRow) * panelWidth + 20, y: titleHeight + 34,
            height: max(120, Double(yValues.count) * cellHeight), low: low, high: high, label: metric?.scaleLabel ?? ratio)
        let legendY = height - 16
        canvas.rect(80, legendY - 11, 22, 14, fill: "url(#\(hatch))", stroke: "#737373")
        canvas.text("diverged", x: 108, y: legendY, size: 11)
        canvas.rect(180, legendY - 11, 22, 14, fill: "url(#\(cross))", stroke: "#737373")
        canvas.text("failed", x: 208, y: legendY, size: 11)
        if let metric {
            canvas.text(metric.legendNote, x: 270, y: legendY, size: 11)
            return Figure(name: name, title: title, caption: metric.caption, svg: canvas.render(title: title))
        }
        let stepLegend =
            allGD
            ? "t = eos_step (first step with S ≥ 2/η); blank = not finished"
            : "t = eos_step (first S ≥ threshold); blank = not finished"
        canvas.text(stepLegend, x: 270, y: legendY, size: 11)
        let caption =
            allGD
            ? "Median of S·η/2 over the measured steps after the edge of stability is reached, per grid "
                + "cell (1 means the sharpness sits at 2/η); t is the first step whose sharpness reached 2/η."
            : "Median of S/threshold over the measured steps after the edge of stability is reached, per grid "
                + "cell (1 means the sharpness sits at the run's threshold; S is preconditioned for adam and rmsprop); "
                + "t is the first step whose sharpness reached it."
        return Figure(name: name, title: title, caption: caption, svg: canvas.render(title: title))
    }

    private static func drawCell(
        _ run: ReportRun?, metric: HeatmapMetric?, into canvas: inout SVGCanvas, x: Double, y: Double,
        low: Double, high: Double, hatch: String, cross: String
    ) {
        let middle = x + cellWidth / 2
        guard let run else {
            canvas.rect(x, y, cellWidth, cellHeight, fill: "#ffffff", stroke: "#bdbdbd")
            return
        }
        if run.isFailed {
            canvas.rect(x, y, cellWidth, cellHeight, fill: "url(#\(cross))", stroke: "#ffffff")
            canvas.text("failed", x: middle, y: y + cellHeight / 2 + 4, anchor: "middle", size: 11, bold: true)
        } else if run.isDiverged {
            canvas.rect(x, y, cellWidth, cellHeight, fill: "url(#\(hatch))", stroke: "#ffffff")
            canvas.text("diverged", x: middle, y: y + cellHeight / 2 + 4, anchor: "middle", size: 11, bold: true)
        } else if run.summary == nil {
            canvas.rect(x, y, cellWidth, cellHeight, fill: "#ffffff", stroke: "#bdbdbd")
            canvas.text(
                run.state == "leased" ? "running" : run.state, x: middle, y: y + cellHeight / 2 + 4,
                anchor: "middle", size: 11, fill: "#737373")
        } else if let summary = run.summary, let ratio = metric?.value(summary) ?? (metric == nil ? summary.sharpnessRatioMedian : nil),
            ratio.isFinite
        {
            let t = (ratio - low) / (high - low)
            let ink = Palette.textOn(sequential: t)
            canvas.rect(x, y, cellWidth, cellHeight, fill: Palette.sequential(t), stroke: "#ffffff")
            canvas.text(
                SVGNumber.fixed(ratio, decimals: 3), x: middle, y: y + 20, anchor: "middle", size: 13,
                fill: ink, bold: true)
            let step = metric?.annotation(summary) ?? summary.eosStep.map { "t = " + SVGNumber.fixed(Double($0), decimals: 0) } ?? ""
            canvas.text(step, x: middle, y: y + 37, anchor: "middle", size: 11, fill: ink)
        } else {
            canvas.rect(x, y, cellWidth, cellHeight, fill: "#f0f0f0", stroke: "#ffffff")
            canvas.text(metric?.missing ?? "no EoS", x: middle, y: y + cellHeight / 2 + 4, anchor: "middle", size: 11)
        }
    }

    /// The colour scale: 40 slices of viridis from `low` (bottom) to `high` (top), with ticks.
    private static func drawColorBar(
        into canvas: inout SVGCanvas, x: Double, y: Double, height: Double,
        low: Double, high: Double, label: String
    ) {
        let slices = 40
        for i in 0..<slices {
            let t = (Double(i) + 0.5) / Double(slices)
            canvas.rect(
                x, y + height * (1 - Double(i + 1) / Double(slices)), 14, height / Double(slices) + 0.5,
                fill: Palette.sequential(t))
        }
        canvas.rect(x, y, 14, height, fill: "none", stroke: "#000000")
        let scale = AxisScale(kind: .linear, values: [low, high], start: y + height, end: y)
        for tick in scale.ticks() where tick.value >= low - 1e-12 && tick.value <= high + 1e-12 {
            let py = y + height - (tick.value - low) / (high - low) * height
            canvas.line(x + 14, py, x + 18, py, stroke: "#000000")
            canvas.text(tick.label, x: x + 21, y: py + 4, size: 11)
        }
        canvas.text(label, x: x, y: y - 8, size: 11)
    }
}
