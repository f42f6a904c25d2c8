import Foundation

/// Fixed, locale-free number formatting for SVG and HTML output, so the same data always gives
/// the same bytes (golden files compare exactly).
enum SVGNumber {
    /// `x` rounded to `decimals` places with trailing zeros dropped: 12.5 → "12.5", 3.0 → "3",
    /// -0.001 → "0" (no negative zero). Coordinates use 2 places (1/100 px).
    static func fixed(_ x: Double, decimals: Int = 2) -> String {
        precondition(x.isFinite, "SVGNumber.fixed: \(x) is not finite")
        var power: Int64 = 1
        for _ in 0..<decimals { power *= 10 }
        let scaled = Int64((x * Double(power)).rounded())
        if scaled == 0 { return "0" }
        let magnitude = scaled.magnitude
        let whole = magnitude / UInt64(power)
        var fraction = decimals == 0 ? "" : String(magnitude % UInt64(power))
        fraction = String(repeating: "0", count: decimals - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return (scaled < 0 ? "-" : "") + String(whole) + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// A data value for a label: 4 significant digits (whole numbers below 1e5 keep all their
    /// digits); plain between 1e-3 and 1e5, else
    /// scientific with a superscript-free exponent ("2.5e-05" → "2.5e-5"). Not finite → "nan"/"inf".
    static func label(_ x: Double, significant: Int = 4) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x < 0 ? "-inf" : "inf") }
        if x == 0 { return "0" }
        let exponent = Int((Swift.abs(x)).log10Floor)
        if exponent >= -3 && exponent < 5 {
            return fixed(x, decimals: max(0, significant - 1 - exponent))
        }
        let mantissa = x / pow10(exponent)
        let rounded = fixed(mantissa, decimals: significant - 1)
        // Rounding can carry the mantissa to 10 (9.9996 → "10").
        if rounded == "10" || rounded == "-10" {
            return (x < 0 ? "-1" : "1") + "e" + String(exponent + 1)
        }
        return rounded + "e" + String(exponent)
    }

    /// 10^k, correctly rounded (as the literal `1e<k>`), so powers of ten compare exactly.
    static func pow10(_ k: Int) -> Double {
        Foundation.pow(10, Double(k))
    }
}

extension Double {
    /// ⌊log₁₀ x⌋ for x > 0, exact at powers of ten (1000 → 3, 0.001 → -3).
    var log10Floor: Double {
        var k = Foundation.log10(self).rounded(.down)
        if SVGNumber.pow10(Int(k) + 1) <= self { k += 1 }
        if SVGNumber.pow10(Int(k)) > self { k -= 1 }
        return k
    }
}
