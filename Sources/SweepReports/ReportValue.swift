import Foundation

/// A JSON value of `config.json`, `summary.json` or a task's grid, as the report reads it.
enum ReportValue: Equatable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([ReportValue])
    case object([String: ReportValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([ReportValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: ReportValue].self))
        }
    }

    /// Parses JSON text; `name` (e.g. "summary.json") is only used in the error.
    static func parse(_ text: String, name: String) throws(ReportError) -> ReportValue {
        do {
            return try JSONDecoder().decode(ReportValue.self, from: Data(text.utf8))
        } catch {
            throw .malformedFile(name: name, line: nil, reason: "not valid JSON")
        }
    }

    /// An object's leaves under dotted keys ({"train": {"lr": 0.1}} → "train.lr": 0.1); other values: [:].
    var dottedLeaves: [String: ReportValue] {
        guard case .object(let fields) = self else { return [:] }
        var leaves: [String: ReportValue] = [:]
        for (key, value) in fields {
            if case .object = value {
                for (inner, leaf) in value.dottedLeaves { leaves[key + "." + inner] = leaf }
            } else {
                leaves[key] = value
            }
        }
        return leaves
    }

    var number: Double? {
        if case .number(let x) = self { return x }
        return nil
    }

    var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The value as a short label: numbers in shortest round-trip form without a trailing ".0"
    /// (0.1 → "0.1", 32 → "32"), strings bare, null empty, arrays "[a, b]".
    var label: String {
        switch self {
        case .null: ""
        case .bool(let b): b ? "true" : "false"
        case .number(let x):
            x.isFinite && x == x.rounded() && Swift.abs(x) < 1e15 ? String(Int64(x)) : String(x)
        case .string(let s): s
        case .array(let items): "[" + items.map(\.label).joined(separator: ", ") + "]"
        case .object(let fields): "{" + fields.keys.sorted().map { "\($0): \(fields[$0]!.label)" }
            .joined(separator: ", ") + "}"
        }
    }

    /// Grid order: numbers by value before strings by text (then the rest by label).
    static func ordered(_ a: ReportValue, _ b: ReportValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): x < y
        case (.number, _): true
        case (_, .number): false
        default: a.label < b.label
        }
    }
}
