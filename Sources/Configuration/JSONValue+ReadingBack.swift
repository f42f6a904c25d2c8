extension JSONValue {
    /// What `JSONDecoder` reads into a `JSONValue` from the text `JSONEncoder` writes for the
    /// finite Double `x` — the classification task keys were computed with, kept by the direct
    /// encoder and decoder (`JSONValueEncoder`, `JSONValueDecoder`).
    ///
    /// `JSONEncoder` writes x's shortest round-trip digits (`1`, `-0`, `0.25`, `1e+16`), and
    /// `JSONValue.init(from:)` tries `Int` before `Double`. `JSONDecoder` reads such a text as an
    /// Int when it denotes a whole number that fits: below 2^53 in magnitude that number is x
    /// itself; from 2^53 up it is the decimal the digits spell (1e16 → 10000000000000000; 2^62 →
    /// 4611686018427388000, not 4611686018427387904), which `CanonicalJSON.format(number:)`
    /// writes out in full for any magnitude below 10^21; from 2^63 up none fits and x stays a
    /// float. Everything else (0.25, 5e-324, 1e20) is `.number(x)`.
    init(readingBack x: Double) {
        guard x.isFinite, x.rounded(.towardZero) == x else {
            self = .number(x)
            return
        }
        if x.magnitude < 0x1p53 {
            self = .integer(Int(x))
        } else if x.magnitude < 0x1p63, let n = Int(CanonicalJSON.format(number: x)) {
            self = .integer(n)
        } else {
            self = .number(x)
        }
    }
}
