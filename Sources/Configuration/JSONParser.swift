import Foundation

/// Parses JSON text (RFC 8259) into a ``JSONValue`` in one pass over its UTF-8 bytes: what
/// ``JSONValue/init(parsing:)`` uses. Going through `JSONDecoder` and `JSONValue`'s `Decodable`
/// conformance (a trial decode per type at every value) was most of the time of `eos export` and
/// of every grid label the coordinator makes.
///
/// Numbers are classified as `JSONDecoder` classifies them into a `JSONValue` (swift-foundation's
/// `_slowpath_unwrapFixedWidthInteger`), so that a value reads the same either way (task keys
/// hash what is read):
/// - digits alone (an optional `-`, no fraction or exponent) that fit an `Int` are that `.integer`;
/// - any other number is read as the nearest `Double`; when that is a whole number an `Int`
///   holds and below 2^53 in magnitude, it is that `.integer` (`3.0`, `1e3`, `1.0000000000000001`
///   → 1, `1e-400` → 0); when it is not a whole number an `Int` holds, it is that `.number`;
/// - a whole `Double` from 2^53 up, where `JSONDecoder` reads the text again as a `Decimal` by
///   rules of its own (`9007199254740993.0` → 9007199254740993, `89556830376042670.6` →
///   89556830376042670, but `402243423865438950.0373` a float), is handed to `JSONDecoder`
///   itself — a rare number, so its cost does not matter;
/// - a number out of `Double`'s range (`1e400`) is an error.
/// Strictly RFC 8259 otherwise (no trailing commas, no leading zeros, no raw control characters
/// in strings, no lone surrogates); of repeated object keys the first counts, as with `JSONDecoder`.
struct JSONParser {
    /// Why a text is not JSON, and where: the byte offset into its UTF-8.
    struct Failure: Error, CustomStringConvertible {
        var offset: Int
        var reason: String
        var description: String { "not valid JSON at byte \(offset): \(reason)" }
    }

    private let bytes: [UInt8]
    private var position = 0

    /// Parses `text`, one JSON value with optional white space around it.
    static func parse(_ text: String) throws(Failure) -> JSONValue {
        try parse(utf8: Array(text.utf8))
    }

    /// Parses UTF-8 bytes (e.g. a message frame), one JSON value with optional white space
    /// around it; invalid UTF-8 inside a string reads as U+FFFD, as `String(decoding:as:)` reads it.
    static func parse(utf8 bytes: [UInt8]) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == parser.bytes.count else { throw parser.failure("text after the value") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// Nesting deeper than this is refused (no stack overflow on hostile input).
    private static let maxDepth = 512

    private func failure(_ reason: String) -> Failure { Failure(offset: position, reason: reason) }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    private mutating func value(depth: Int) throws(Failure) -> JSONValue {
        skipWhitespace()
        guard depth < Self.maxDepth else { throw failure("nested more than \(Self.maxDepth) deep") }
        guard let byte = current else { throw failure("the text ends where a value should be") }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw failure("unexpected character where a value should be")
        }
    }

    private mutating func literal(_ word: String, _ value: JSONValue) throws(Failure) -> JSONValue {
        let count = word.utf8.count
        guard position + count <= bytes.count, bytes[position..<position + count].elementsEqual(word.utf8) else {
            throw failure("expected \(word)")
        }
        position += count
        return value
    }

    private mutating func object(depth: Int) throws(Failure) -> JSONValue {
        position += 1  // {
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw failure("expected a quoted key") }
            let key = try string()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw failure("expected ':' after a key") }
            position += 1
            let member = try value(depth: depth + 1)
            if members[key] == nil { members[key] = member }
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return .object(members)
            default: throw failure("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func array(depth: Int) throws(Failure) -> JSONValue {
        position += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return .array(elements)
            default: throw failure("expected ',' or ']' in an array")
            }
        }
    }

    /// A quoted string, escapes decoded; `position` is at its opening quote. The bytes between
    /// escapes are copied in runs (a CSV file in a message is one long string with an escaped
    /// newline on every line).
    private mutating func string() throws(Failure) -> String {
        position += 1  // "
        let start = position
        try skipUnescaped()
        guard let stop = current else { throw failure("a string without its closing quote") }
        if stop == UInt8(ascii: "\"") {
            position += 1
            return String(decoding: bytes[start..<position - 1], as: UTF8.self)
        }
        var text = Array(bytes[start..<position])
        while let byte = current, byte != UInt8(ascii: "\"") {
            if byte == UInt8(ascii: "\\") {
                position += 1
                text.append(contentsOf: UTF8.encode(try escape())!)
            } else {
                let runStart = position
                try skipUnescaped()
                text.append(contentsOf: bytes[runStart..<position])
            }
            guard current != nil else { throw failure("a string without its closing quote") }
        }
        position += 1  // "
        return String(decoding: text, as: UTF8.self)
    }

    /// Moves past string bytes up to the next quote, backslash or end of text.
    private mutating func skipUnescaped() throws(Failure) {
        while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { throw failure("a control character in a string (escape it)") }
            position += 1
        }
    }

    /// The character of an escape; `position` is just after its backslash.
    private mutating func escape() throws(Failure) -> Unicode.Scalar {
        guard let byte = current else { throw failure("a string without its closing quote") }
        position += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try hexUnit()
            if (0xD800..<0xDC00).contains(unit) {
                guard current == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                    throw failure("a high surrogate without its low surrogate")
                }
                position += 2
                let low = try hexUnit()
                guard (0xDC00..<0xE000).contains(low) else { throw failure("a high surrogate without its low surrogate") }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(unit) else { throw failure("a lone low surrogate") }
            return scalar
        default: throw failure("an unknown escape")
        }
    }

    /// Four hex digits of a `\u` escape.
    private mutating func hexUnit() throws(Failure) -> UInt32 {
        guard position + 4 <= bytes.count else { throw failure("\\u needs four hex digits") }
        var unit: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("\\u needs four hex digits")
            }
            unit = unit << 4 | UInt32(digit)
            position += 1
        }
        return unit
    }

    /// A number, classified as the type's doc comment says.
    private mutating func number() throws(Failure) -> JSONValue {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        guard let first = current, isDigit(first) else { throw failure("a '-' without digits") }
        position += 1
        if first == UInt8(ascii: "0"), let next = current, isDigit(next) { throw failure("a number with a leading zero") }
        skipDigits()
        var digitsAlone = true
        if current == UInt8(ascii: ".") {
            digitsAlone = false
            position += 1
            guard let digit = current, isDigit(digit) else { throw failure("a '.' without digits after it") }
            skipDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            digitsAlone = false
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard let digit = current, isDigit(digit) else { throw failure("an exponent without digits") }
            skipDigits()
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if digitsAlone, let integer = Int(text) { return .integer(integer) }
        guard let double = Double(text), double.isFinite else {
            position = start
            throw failure("a number out of range")
        }
        guard let integer = Int(exactly: double) else { return .number(double) }
        if double.magnitude < 0x1p53 { return .integer(integer) }
        guard let read = try? JSONDecoder().decode([JSONValue].self, from: Data("[\(text)]".utf8)).first else {
            position = start
            throw failure("a number JSONDecoder does not read")
        }
        return read
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func skipDigits() {
        while let byte = current, isDigit(byte) { position += 1 }
    }
}
