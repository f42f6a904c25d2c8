/// A small SVG writer: elements are appended in drawing order and rendered as one `<svg>`
/// document. Coordinates are pixels (user units) with y pointing down; every number goes
/// through ``SVGNumber/fixed(_:decimals:)``, so the output is byte-for-byte reproducible.
struct SVGCanvas {
    let width: Double
    let height: Double
    private(set) var elements: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// The standalone document (also valid inline in HTML5). `title` becomes the `<title>`
    /// that screen readers and tooltips use.
    func render(title: String) -> String {
        let w = SVGNumber.fixed(width), h = SVGNumber.fixed(height)
        var lines = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" "
                + "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">",
            "<title>\(escaped(title))</title>",
            "<rect x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\" fill=\"#ffffff\"/>",
        ]
        lines += elements
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    mutating func raw(_ element: String) {
        elements.append(element)
    }

    mutating func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String,
        width: Double = 1, dash: String? = nil
    ) {
        elements.append(
            "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\" "
                + "stroke-width=\"\(n(width))\"\(dashAttribute(dash))/>")
    }

    /// An open polyline through `points`; nothing for fewer than two points.
    mutating func polyline(
        _ points: [(x: Double, y: Double)], stroke: String, width: Double = 1.5,
        dash: String? = nil
    ) {
        guard points.count >= 2 else { return }
        let list = points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
        elements.append(
            "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\" "
                + "stroke-linejoin=\"round\"\(dashAttribute(dash))/>")
    }

    mutating func rect(
        _ x: Double, _ y: Double, _ width: Double, _ height: Double, fill: String,
        stroke: String? = nil
    ) {
        let strokeAttribute = stroke.map { " stroke=\"\($0)\" stroke-width=\"1\"" } ?? ""
        elements.append(
            "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\" "
                + "fill=\"\(fill)\"\(strokeAttribute)/>")
    }

    /// Text anchored at (x, y): `anchor` is start | middle | end; `rotate` in degrees about (x, y).
    mutating func text(
        _ content: String, x: Double, y: Double, anchor: String = "start", size: Double = 12,
        fill: String = "#000000", bold: Bool = false, rotate: Double? = nil
    ) {
        let rotation = rotate.map { " transform=\"rotate(\(n($0)) \(n(x)) \(n(y)))\"" } ?? ""
        let weight = bold ? " font-weight=\"bold\"" : ""
        elements.append(
            "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\" font-size=\"\(n(size))\" "
                + "fill=\"\(fill)\"\(weight)\(rotation)>\(escaped(content))</text>")
    }

    /// A marker of `shape` centred on (x, y), `size` px across, filled with `fill`.
    mutating func marker(_ shape: MarkerShape, x: Double, y: Double, size: Double = 6, fill: String) {
        let r = size / 2
        switch shape {
        case .circle:
            elements.append("<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(r))\" fill=\"\(fill)\"/>")
        case .square:
            rect(x - r, y - r, size, size, fill: fill)
        case .triangle:
            path(
                "M\(n(x)),\(n(y - r * 1.15)) L\(n(x + r * 1.15)),\(n(y + r)) L\(n(x - r * 1.15)),\(n(y + r)) Z",
                fill: fill)
        case .diamond:
            path(
                "M\(n(x)),\(n(y - r * 1.3)) L\(n(x + r)),\(n(y)) L\(n(x)),\(n(y + r * 1.3)) L\(n(x - r)),\(n(y)) Z",
                fill: fill)
        case .invertedTriangle:
            path(
                "M\(n(x)),\(n(y + r * 1.15)) L\(n(x + r * 1.15)),\(n(y - r)) L\(n(x - r * 1.15)),\(n(y - r)) Z",
                fill: fill)
        case .cross:
            path(
                "M\(n(x - r)),\(n(y - r)) L\(n(x + r)),\(n(y + r)) M\(n(x - r)),\(n(y + r)) L\(n(x + r)),\(n(y - r))",
                fill: "none", stroke: fill, strokeWidth: 2)
        }
    }

    mutating func path(_ d: String, fill: String, stroke: String? = nil, strokeWidth: Double = 1) {
        let strokeAttribute = stroke.map { " stroke=\"\($0)\" stroke-width=\"\(n(strokeWidth))\"" } ?? ""
        elements.append("<path d=\"\(d)\" fill=\"\(fill)\"\(strokeAttribute)/>")
    }

    private func n(_ x: Double) -> String { SVGNumber.fixed(x) }

    private func dashAttribute(_ dash: String?) -> String {
        dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
    }
}

/// `text` with the five XML special characters escaped, for element content and attributes.
func escaped(_ text: String) -> String {
    var out = ""
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}
