import Configuration
import Foundation

/// A JSON value of `config.json` or a task's grid as the report reads it: the
/// project's `JSONValue`, with every integer read as a number (the report compares and orders
/// values by magnitude, so `32` and `32.0` are one grid value).
extension JSONValue {
    /// Parses JSON text; `name` (e.g. "summary.json") is only used in the error.
    static func report(parsing text: String, name: String) throws(ReportError) -> JSONValue {
        do {
            return try JSONValue(parsing: text).integersAsNumbers
        } catch {
            throw .malformedFile(name: name, line: nil, reason: "not valid JSON")
        }
    }

    /// This value with every `.integer(i)` replaced by `.number(Double(i))`, recursively.
    private var integersAsNumbers: JSONValue {
        switch self {
        case .integer(let i): .number(Double(i))
        case .array(let items): .array(items.map(\.integersAsNumbers))
        case .object(let fields): .object(fields.mapValues(\.integersAsNumbers))
        case .null, .bool, .number, .string: self
        }
    }

    /// An object's members; other values: [:].
    var members: [String: JSONValue] {
        if case .object(let fields) = self { return fields }
        return [:]
    }

    /// An object's leaves under dotted keys ({"train": {"lr": 0.1}} → "train.lr": 0.1); other values: [:].
    var objectLeaves: [String: JSONValue] { JSONValue.object(members).dottedLeaves }

    var number: Double? {
        switch self {
        case .number(let x): x
        case .integer(let i): Double(i)
        default: nil
        }
    }

    /// The value as a short label: numbers in shortest round-trip form without a trailing ".0"
    /// (0.1 → "0.1", 32 → "32"), strings bare, null empty, arrays "[a, b]".
    var label: String {
        switch self {
        case .null: ""
        case .bool(let b): b ? "true" : "false"
        case .integer(let i): String(i)
        case .number(let x):
            x.isFinite && x == x.rounded() && Swift.abs(x) < 1e15 ? String(Int64(x)) : String(x)
        case .string(let s): s
        case .array(let items): "[" + items.map(\.label).joined(separator: ", ") + "]"
        case .object(let fields):
            "{"
                + fields.keys.sorted().map { "\($0): \(fields[$0]!.label)" }
                .joined(separator: ", ") + "}"
        }
    }

    /// Grid order: numbers by value before strings by text (then the rest by label).
    static func ordered(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a.number, b.number) {
        case (let x?, let y?): x < y
        case (_?, nil): true
        case (nil, _?): false
        default: a.label < b.label
        }
    }
}
