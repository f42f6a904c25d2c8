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
        var out: [UInt8] = []
        write(value, to: &out, indent: nil)
        return String(decoding: out, as: UTF8.self)
    }

    /// Indented JSON (two spaces per level, keys sorted as in JCS, arrays of scalars on one
    /// line), with the same string and number forms as JCS, ending in a newline.
    static func prettyPrinted(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        write(value, to: &out, indent: "")
        out.append(UInt8(ascii: "\n"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes UTF-8 bytes: the text is built byte by byte and made a `String` once.
    private static func write(_ value: JSONValue, to out: inout [UInt8], indent: String?) {
        switch value {
        case .null: out += "null".utf8
        case .bool(let flag): out += (flag ? "true" : "false").utf8
        case .integer(let n): out += String(n).utf8
        case .number(let x): out += format(number: x).utf8
        case .string(let s): writeString(s, to: &out)
        case .array(let items):
            let scalars = items.allSatisfy { if case .array = $0 { false } else if case .object = $0 { false } else { true } }
            if let indent, !scalars {
                let inner = indent + "  "
                out += "[\n".utf8
                for (i, item) in items.enumerated() {
                    out += inner.utf8
                    write(item, to: &out, indent: inner)
                    out += (i + 1 < items.count ? ",\n" : "\n").utf8
                }
                out += indent.utf8
                out.append(UInt8(ascii: "]"))
            } else {
                out.append(UInt8(ascii: "["))
                for (i, item) in items.enumerated() {
                    if i > 0 { out += (indent == nil ? "," : ", ").utf8 }
                    write(item, to: &out, indent: indent)
                }
                out.append(UInt8(ascii: "]"))
            }
        case .object(let members):
            let keys = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            if let indent, !keys.isEmpty {
                let inner = indent + "  "
                out += "{\n".utf8
                for (i, key) in keys.enumerated() {
                    out += inner.utf8
                    writeString(key, to: &out)
                    out += ": ".utf8
                    write(members[key]!, to: &out, indent: inner)
                    out += (i + 1 < keys.count ? ",\n" : "\n").utf8
                }
                out += indent.utf8
                out.append(UInt8(ascii: "}"))
            } else {
                out.append(UInt8(ascii: "{"))
                for (i, key) in keys.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    writeString(key, to: &out)
                    out.append(UInt8(ascii: ":"))
                    write(members[key]!, to: &out, indent: indent)
                }
                out.append(UInt8(ascii: "}"))
            }
        }
    }

    /// RFC 8785 §3.2.2.2: `"` and `\` escaped, U+0008/09/0A/0C/0D as `\b \t \n \f \r`, other
    /// controls below U+0020 as `\u00xx` (lowercase hex), every other byte of the UTF-8 as it is.
    private static func writeString(_ s: String, to out: inout [UInt8]) {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        out.append(quote)
        for byte in s.utf8 {
            guard byte < 0x20 || byte == quote || byte == backslash else {
                out.append(byte)
                continue
            }
            out.append(backslash)
            switch byte {
            case quote, backslash: out.append(byte)
            case 0x08: out.append(UInt8(ascii: "b"))
            case 0x09: out.append(UInt8(ascii: "t"))
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0C: out.append(UInt8(ascii: "f"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            default: out += [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hexDigit(byte >> 4), hexDigit(byte & 0xF)]
            }
        }
        out.append(quote)
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
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
