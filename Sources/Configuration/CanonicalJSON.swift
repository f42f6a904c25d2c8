/// The RFC 8785 JSON Canonicalization Scheme (JCS) text of `value`: object keys sorted by their
/// UTF-16 code units, no whitespace, strings escaped as RFC 8785 §3.2.2.2 says, numbers written
/// as ECMAScript's `Number.prototype.toString` (integers of `.integer` exactly, as integers).
///
/// Precondition: every number is finite (JCS has no text for NaN or ±∞).
public func canonicalJSON(_ value: JSONValue) -> String {
    precondition(CanonicalJSON.isFinite(value), "canonicalJSON: NaN and infinities have no JSON form")
    return CanonicalJSON.serialize(value)
}

/// The writers behind `canonicalJSON` and the resolved `config.json`.
enum CanonicalJSON {
    /// Whether every number inside `value` is finite.
    static func isFinite(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let x): x.isFinite
        case .array(let items): items.allSatisfy(isFinite)
        case .object(let members): members.values.allSatisfy(isFinite)
        default: true
        }
    }

    /// JCS text; a non-finite number is written as Swift spells it (only for error messages).
    static func serialize(_ value: JSONValue) -> String {
        var out = ""
        write(value, to: &out, indent: nil)
        return out
    }

    /// Indented JSON (two spaces per level, keys sorted as in JCS, arrays of scalars on one
    /// line), with the same string and number forms as JCS, ending in a newline.
    static func prettyPrinted(_ value: JSONValue) -> String {
        var out = ""
        write(value, to: &out, indent: "")
        return out + "\n"
    }

    private static func write(_ value: JSONValue, to out: inout String, indent: String?) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .integer(let n): out += String(n)
        case .number(let x): out += format(number: x)
        case .string(let s): writeString(s, to: &out)
        case .array(let items):
            let scalars = items.allSatisfy { if case .array = $0 { false } else if case .object = $0 { false } else { true } }
            if let indent, !scalars {
                let inner = indent + "  "
                out += "[\n"
                for (i, item) in items.enumerated() {
                    out += inner
                    write(item, to: &out, indent: inner)
                    out += i + 1 < items.count ? ",\n" : "\n"
                }
                out += indent + "]"
            } else {
                out += "["
                for (i, item) in items.enumerated() {
                    if i > 0 { out += indent == nil ? "," : ", " }
                    write(item, to: &out, indent: indent)
                }
                out += "]"
            }
        case .object(let members):
            let keys = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            if let indent, !keys.isEmpty {
                let inner = indent + "  "
                out += "{\n"
                for (i, key) in keys.enumerated() {
                    out += inner
                    writeString(key, to: &out)
                    out += ": "
                    write(members[key]!, to: &out, indent: inner)
                    out += i + 1 < keys.count ? ",\n" : "\n"
                }
                out += indent + "}"
            } else {
                out += "{"
                for (i, key) in keys.enumerated() {
                    if i > 0 { out += "," }
                    writeString(key, to: &out)
                    out += ":"
                    write(members[key]!, to: &out, indent: indent)
                }
                out += "}"
            }
        }
    }

    /// RFC 8785 §3.2.2.2: `"` and `\` escaped, U+0008/09/0A/0C/0D as `\b \t \n \f \r`, other
    /// controls below U+0020 as `\u00xx` (lowercase hex), everything else verbatim (a string
    /// with nothing to escape, like every key, in one piece).
    private static func writeString(_ s: String, to out: inout String) {
        out += "\""
        guard s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\u{0C}": out += "\\f"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// ECMAScript `Number.prototype.toString(x)` (ECMA-262 Number::toString): with the shortest
    /// digits s (k of them) such that s × 10^(n−k) round-trips to x,
    /// k ≤ n ≤ 21 → s then n−k zeros; 0 < n ≤ 21 → a decimal point after n digits;
    /// −6 < n ≤ 0 → "0." then −n zeros then s; otherwise exponent form d[.ddd]e±(n−1).
    /// −0 is "0". Swift's `description` supplies the shortest round-trip digits.
    static func format(number x: Double) -> String {
        guard x.isFinite else { return x.description }
        if x == 0 { return "0" }
        let sign = x < 0 ? "-" : ""
        let text = x.magnitude.description
        let parts = text.split(separator: "e", maxSplits: 1)
        let mantissa = parts[0]
        let exponent = parts.count > 1 ? Int(parts[1])! : 0
        let integerDigits = mantissa.split(separator: ".", omittingEmptySubsequences: false)[0]
        var digits = Array(mantissa.filter { $0 != "." })
        var n = integerDigits.count + exponent
        while digits.first == "0" {
            digits.removeFirst()
            n -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        let s = String(digits)
        let k = digits.count
        let body: String
        if k <= n && n <= 21 {
            body = s + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            body = String(digits[0..<n]) + "." + String(digits[n...])
        } else if -6 < n && n <= 0 {
            body = "0." + String(repeating: "0", count: -n) + s
        } else {
            let e = n - 1
            let exponentText = (e < 0 ? "-" : "+") + String(e.magnitude)
            body = (k == 1 ? s : String(digits[0]) + "." + String(digits[1...])) + "e" + exponentText
        }
        return sign + body
    }
}

/// Indented JSON with JCS key order and number forms (`summary.json`, `config.json`); a
/// non-finite number must be mapped to `.null` by the caller first.
public func prettyJSON(_ value: JSONValue) -> String {
    CanonicalJSON.prettyPrinted(value)
}
