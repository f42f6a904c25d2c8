/// One series of a ``LineChart``: points in data units, drawn as a line (unless `lineWidth`
/// is 0) with markers spread along it so series stay apart in grayscale.
struct ChartSeries {
    var name: String
    var points: [(x: Double, y: Double)]
    var color: String
    var marker: MarkerShape?
    var dash: String? = nil
    var lineWidth: Double = 1.5
    /// Markers drawn along the line (at most this many, evenly spaced by index); all points when fewer.
    var markerCount: Int = 10
    /// Shifts the markers by this fraction of their spacing, so series with equal x do not cover each other.
    var markerPhase: Double = 0
    var inLegend: Bool = true
}

/// A horizontal reference line across the whole plot, e.g. 2/η, thin and dashed. With a
/// `name` it has a legend entry; a NaN `y` is a legend entry only (one key for many lines).
struct ReferenceLine {
    var y: Double
    var color: String
    var name: String?
}

/// A 2-D line chart (one panel): axes with ticks and labels, a title, series, horizontal
/// reference lines and a legend on the right. Axis kinds are chosen from the data unless set.
struct LineChart {
    var title: String
    var xLabel: String
    var yLabel: String
    var series: [ChartSeries]
    var references: [ReferenceLine] = []
    var xKind: AxisScale.Kind? = nil
    var yKind: AxisScale.Kind? = nil
    /// Width of the legend column; 0 for none.
    var legendWidth: Double = 150
    /// The legend's series entries when they are not this chart's own series (a legend shared
    /// by the panels of a figure); nil: the chart's series.
    var legend: [ChartSeries]? = nil

    static let margin = (left: 64.0, right: 10.0, top: 26.0, bottom: 42.0)

    /// Draws the chart into the frame (x, y, width, height) of `canvas` (pixels).
    func render(into canvas: inout SVGCanvas, x: Double, y: Double, width: Double, height: Double) {
        let plotLeft = x + Self.margin.left
        let plotRight = x + width - Self.margin.right - legendWidth
        let plotTop = y + Self.margin.top
        let plotBottom = y + height - Self.margin.bottom
        let xs = series.flatMap { $0.points.map(\.x) }
        let ys = series.flatMap { $0.points.map(\.y) } + references.map(\.y)
        let xScale = AxisScale(kind: xKind ?? .automatic(for: xs), values: xs, start: plotLeft, end: plotRight)
        let yKind = yKind ?? .automatic(for: ys)
        let yScale = AxisScale(
            kind: yKind, values: ys + Self.referenceMargins(references.map(\.y), around: ys, kind: yKind), start: plotBottom,
            end: plotTop)

        canvas.text(title, x: (plotLeft + plotRight) / 2, y: y + 16, anchor: "middle", size: 13, bold: true)
        for tick in xScale.ticks() {
            let px = xScale.position(tick.value)
            canvas.line(px, plotTop, px, plotBottom, stroke: "#e6e6e6")
            canvas.line(px, plotBottom, px, plotBottom + 4, stroke: "#000000")
            canvas.text(tick.label, x: px, y: plotBottom + 16, anchor: "middle", size: 11)
        }
        for tick in yScale.ticks() {
            let py = yScale.position(tick.value)
            canvas.line(plotLeft, py, plotRight, py, stroke: "#e6e6e6")
            canvas.line(plotLeft - 4, py, plotLeft, py, stroke: "#000000")
            canvas.text(tick.label, x: plotLeft - 6, y: py + 4, anchor: "end", size: 11)
        }
        canvas.text(xLabel, x: (plotLeft + plotRight) / 2, y: plotBottom + 34, anchor: "middle")
        let yLabelX = x + 14, yLabelY = (plotTop + plotBottom) / 2
        canvas.text(yLabel, x: yLabelX, y: yLabelY, anchor: "middle", rotate: -90)

        for reference in references where yScale.accepts(reference.y) {
            let py = yScale.position(reference.y)
            canvas.line(plotLeft, py, plotRight, py, stroke: reference.color, width: 1, dash: Palette.referenceDash)
        }
        for item in series {
            let pixels = item.points.map { point -> (x: Double, y: Double)? in
                guard xScale.accepts(point.x), yScale.accepts(point.y) else { return nil }
                return (xScale.position(point.x), yScale.position(point.y))
            }
            if item.lineWidth > 0 {
                for segment in Self.segments(pixels) {
                    canvas.polyline(Self.thinned(segment), stroke: item.color, width: item.lineWidth, dash: item.dash)
                }
            }
            if let shape = item.marker {
                for index in Self.markerIndices(count: pixels.count, markers: item.markerCount, phase: item.markerPhase) {
                    if let point = pixels[index] {
                        canvas.marker(shape, x: point.x, y: point.y, fill: item.color)
                    }
                }
            }
        }
        canvas.rect(plotLeft, plotTop, plotRight - plotLeft, plotBottom - plotTop, fill: "none", stroke: "#000000")
        if legendWidth > 0 {
            drawLegend(into: &canvas, x: plotRight + 12, y: plotTop + 4)
        }
    }

    private func drawLegend(into canvas: inout SVGCanvas, x: Double, y: Double) {
        var row = y
        for item in legend ?? series where item.inLegend {
            if item.lineWidth > 0 {
                canvas.line(x, row, x + 24, row, stroke: item.color, width: item.lineWidth, dash: item.dash)
            }
            if let shape = item.marker { canvas.marker(shape, x: x + 12, y: row, fill: item.color) }
            canvas.text(item.name, x: x + 30, y: row + 4, size: 11)
            row += 18
        }
        for reference in references {
            guard let name = reference.name else { continue }
            canvas.line(x, row, x + 24, row, stroke: reference.color, width: 1, dash: Palette.referenceDash)
            canvas.text(name, x: x + 30, y: row + 4, size: 11)
            row += 18
        }
    }

    /// Values a little beyond each reference line (4 % of the values' span on a linear axis, a
    /// factor 1.1 on a log axis), so that the axis ends past every line: a 2/η that is a round
    /// number is drawn inside the frame, never on its edge under the frame's stroke.
    static func referenceMargins(_ references: [Double], around values: [Double], kind: AxisScale.Kind) -> [Double] {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return [] }
        return references.filter(\.isFinite).flatMap { y -> [Double] in
            switch kind {
            case .linear:
                let pad = 0.04 * Swift.max(high - low, Swift.abs(y) * 0.1, 1e-12)
                return [y - pad, y + pad]
            case .logarithmic:
                return y > 0 ? [y / 1.1, y * 1.1] : []
            }
        }
    }

    /// The runs of drawable (non-nil) points: a non-finite value breaks the line.
    static func segments(_ points: [(x: Double, y: Double)?]) -> [[(x: Double, y: Double)]] {
        var segments: [[(x: Double, y: Double)]] = [], current: [(x: Double, y: Double)] = []
        for point in points {
            if let point {
                current.append(point)
            } else if !current.isEmpty {
                segments.append(current)
                current = []
            }
        }
        if !current.isEmpty { segments.append(current) }
        return segments
    }

    /// Keeps, of each run of consecutive points in the same pixel column, the first, the
    /// lowest, the highest and the last (in their order): the drawn envelope is unchanged,
    /// spikes included, but a 10 000-step trace needs only about 4 points per pixel.
    static func thinned(_ points: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        var kept: [(x: Double, y: Double)] = []
        var start = 0
        while start < points.count {
            let column = points[start].x.rounded(.down)
            var stop = start
            while stop + 1 < points.count && points[stop + 1].x.rounded(.down) == column { stop += 1 }
            var chosen = Set([start, stop])
            if let low = (start...stop).min(by: { points[$0].y < points[$1].y }) { chosen.insert(low) }
            if let high = (start...stop).max(by: { points[$0].y < points[$1].y }) { chosen.insert(high) }
            kept += chosen.sorted().map { points[$0] }
            start = stop + 1
        }
        return kept
    }

    /// Up to `markers` indices in 0..<count, evenly spaced, shifted by `phase` ∈ [0, 1) of a spacing.
    static func markerIndices(count: Int, markers: Int, phase: Double) -> [Int] {
        guard count > 0, markers > 0 else { return [] }
        guard count > markers else { return Array(0..<count) }
        let spacing = Double(count - 1) / Double(markers)
        return (0..<markers).map { i in min(count - 1, Int((Double(i) + phase) * spacing + 0.5)) }
    }
}
