/// Colours, markers and dash patterns that tell series apart in colour, for colour-blind
/// readers and in grayscale print: series i gets colour, marker and dash i (mod their counts).
enum Palette {
    /// Okabe & Ito (2008) "Color Universal Design", reordered so the first colours keep the most
    /// contrast on white (yellow last).
    static let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
    static let markers: [MarkerShape] = [.circle, .square, .triangle, .diamond, .invertedTriangle, .cross]
    /// SVG `stroke-dasharray` patterns; nil is solid.
    static let dashes: [String?] = [nil, "6 3", "2 2", "8 3 2 3"]
    /// The dash of reference lines such as 2/η.
    static let referenceDash = "5 4"

    static func color(_ i: Int) -> String { colors[i % colors.count] }
    static func marker(_ i: Int) -> MarkerShape { markers[i % markers.count] }

    /// Viridis (van der Walt & Smith, matplotlib): perceptually uniform, readable with colour
    /// blindness and monotone in lightness, so a grayscale print keeps the order. The 9 stops
    /// of viridisLite's `viridis(9)`.
    private static let viridis: [(Double, Double, Double)] = [
        (0x44, 0x01, 0x54), (0x47, 0x2D, 0x7B), (0x3B, 0x52, 0x8B), (0x2C, 0x72, 0x8E), (0x21, 0x90, 0x8C),
        (0x27, 0xAD, 0x81), (0x5D, 0xC8, 0x63), (0xAA, 0xDC, 0x32), (0xFD, 0xE7, 0x25),
    ]

    /// Viridis at `t` ∈ [0, 1] (clamped), linear between stops, as `#rrggbb`.
    static func sequential(_ t: Double) -> String {
        let clamped = min(1, max(0, t.isFinite ? t : 0))
        let position = clamped * Double(viridis.count - 1)
        let i = min(viridis.count - 2, Int(position))
        let f = position - Double(i)
        let (a, b) = (viridis[i], viridis[i + 1])
        return hex(a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f, a.2 + (b.2 - a.2) * f)
    }

    /// Black or white, whichever reads better on the viridis colour at `t` (its light half is t > 0.55).
    static func textOn(sequential t: Double) -> String {
        t > 0.55 ? "#000000" : "#ffffff"
    }

    static func hex(_ r: Double, _ g: Double, _ b: Double) -> String {
        let digits = Array("0123456789abcdef")
        var out = "#"
        for channel in [r, g, b] {
            let v = Int(min(255, max(0, channel.rounded())))
            out.append(digits[v / 16])
            out.append(digits[v % 16])
        }
        return out
    }
}

/// The shape of a series' markers.
enum MarkerShape: Sendable {
    case circle, square, triangle, diamond, invertedTriangle, cross
}
