import Foundation

/// A map from data values to pixels along one axis, with the "nice" domain and ticks that
/// cover the data: linear ticks at 1, 2 or 5 × 10^k steps, log ticks at powers of ten (plus 2
/// and 5 × 10^k when the axis spans at most two decades).
struct AxisScale: Equatable {
    enum Kind: Equatable, Sendable {
        case linear, logarithmic

        /// Logarithmic when every value is positive and they span well over a decade
        /// (max/min ≥ 20, so a loss falling from 0.6 to 0.02 gets a log axis), else linear.
        /// Non-finite values are ignored.
        static func automatic(for values: [Double]) -> Kind {
            let finite = values.filter(\.isFinite)
            guard let low = finite.min(), let high = finite.max(), low > 0 else { return .linear }
            return high / low >= 20 ? .logarithmic : .linear
        }
    }

    let kind: Kind
    /// The data domain [lower, upper], lower < upper (and lower > 0 when logarithmic).
    let lower: Double
    let upper: Double
    /// The pixels of `lower` and `upper` (an y axis runs from bottom to top: start > end).
    let start: Double
    let end: Double
    /// The linear tick spacing (lower and upper are multiples of it); 1 on a log axis.
    let step: Double

    /// The scale whose domain is the nice interval around the finite values (non-positive
    /// ones dropped when logarithmic); [0, 1] (or [1, 10]) when nothing is left.
    init(kind: Kind, values: [Double], start: Double, end: Double) {
        self.kind = kind
        self.start = start
        self.end = end
        let usable = values.filter { $0.isFinite && (kind == .linear || $0 > 0) }
        switch kind {
        case .linear:
            var low = usable.min() ?? 0, high = usable.max() ?? 1
            if low == high {
                let pad = low == 0 ? 1 : Swift.abs(low) * 0.1
                low -= pad
                high += pad
            }
            step = Self.niceStep((high - low) / 5)
            lower = (low / step).rounded(.down) * step
            upper = (high / step).rounded(.up) * step
        case .logarithmic:
            step = 1
            let low = usable.min() ?? 1, high = usable.max() ?? 10
            lower = SVGNumber.pow10(Int(low.log10Floor))
            var top = SVGNumber.pow10(Int(high.log10Floor))
            if top < high || top == lower { top *= 10 }
            upper = top
        }
    }

    /// The pixel of `value`; values outside the domain map outside [start, end].
    func position(_ value: Double) -> Double {
        let t: Double
        switch kind {
        case .linear: t = (value - lower) / (upper - lower)
        case .logarithmic:
            t =
                (Foundation.log10(value) - Foundation.log10(lower))
                / (Foundation.log10(upper) - Foundation.log10(lower))
        }
        return start + t * (end - start)
    }

    /// Whether `value` can be drawn on this axis (finite, and positive on a log axis).
    func accepts(_ value: Double) -> Bool {
        value.isFinite && (kind == .linear || value > 0)
    }

    /// The tick values with their labels, from lower to upper.
    func ticks() -> [(value: Double, label: String)] {
        switch kind {
        case .linear:
            let decimals = max(0, -Int(step.log10Floor))
            let first = (lower / step).rounded(), count = Int(((upper - lower) / step).rounded())
            return (0...count).map { i in
                let value = (first + Double(i)) * step
                return (value, SVGNumber.fixed(value, decimals: decimals))
            }
        case .logarithmic:
            let lowExponent = Int(lower.log10Floor), highExponent = Int(upper.log10Floor)
            let decades = highExponent - lowExponent
            let stride = max(1, (decades + 5) / 6)
            var ticks: [(Double, String)] = []
            for exponent in lowExponent...highExponent where (exponent - lowExponent) % stride == 0 {
                let base = SVGNumber.pow10(exponent)
                ticks.append((base, SVGNumber.label(base)))
                if decades <= 2 && exponent < highExponent {
                    ticks.append((2 * base, SVGNumber.label(2 * base)))
                    ticks.append((5 * base, SVGNumber.label(5 * base)))
                }
            }
            return ticks
        }
    }

    /// The smallest of 1, 2, 5 × 10^k that is ≥ `raw` (raw > 0).
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let base = SVGNumber.pow10(Int(raw.log10Floor))
        for multiple in [1.0, 2.0, 5.0] where multiple * base >= raw * (1 - 1e-12) {
            return multiple * base
        }
        return 10 * base
    }
}
