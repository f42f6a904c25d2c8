import Foundation

/// A JSON value: the data model shared by TOML configuration files (converted on load),
/// `config.json` and the canonical JSON of task keys.
///
/// Integers and floats are kept apart (`integer` vs `number`) so that an integer key is
/// never written as `1500.0`; an object is unordered (writers sort its keys).
public enum JSONValue: Sendable, Equatable, Codable, CustomStringConvertible {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The JSON data model of an `Encodable` value (through `JSONEncoder`).
    public init(encoding value: some Encodable) throws {
        let data = try JSONEncoder().encode(value)
        self = try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// Parses JSON text (``JSONParser``: integers and floats told apart as `JSONDecoder` does).
    public init(parsing text: String) throws {
        self = try JSONParser.parse(text)
    }

    /// Decodes this value as `type` (through `JSONDecoder`).
    public func decode<T: Decodable>(as type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: JSONEncoder().encode(self))
    }

    /// The leaves of a nested object as dotted keys (`["train.lr": 0.25, …]`); arrays are leaves.
    public var dottedLeaves: [String: JSONValue] {
        var leaves: [String: JSONValue] = [:]
        func visit(_ value: JSONValue, _ prefix: String) {
            if case .object(let members) = value {
                for (key, member) in members { visit(member, prefix.isEmpty ? key : prefix + "." + key) }
            } else {
                leaves[prefix] = value
            }
        }
        visit(self, "")
        return leaves
    }

    /// The nested object whose leaves are `leaves` (each dotted key split at its dots).
    public init(dottedLeaves leaves: [String: JSONValue]) {
        var root = JSONValue.object([:])
        for (key, value) in leaves {
            root.insert(value, at: key.split(separator: ".").map(String.init))
        }
        self = root
    }

    private mutating func insert(_ value: JSONValue, at path: [String]) {
        guard let first = path.first else {
            self = value
            return
        }
        guard case .object(var members) = self else { preconditionFailure("JSONValue.insert: not an object") }
        var child = members[first] ?? .object([:])
        child.insert(value, at: Array(path.dropFirst()))
        members[first] = child
        self = .object(members)
    }

    /// A short human description for error messages: `string "abc"`, `float 0.5`, `integer 3`, …
    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): "boolean \(value)"
        case .integer(let value): "integer \(value)"
        case .number(let value): "float \(CanonicalJSON.format(number: value))"
        case .string(let value): "string \(CanonicalJSON.serialize(.string(value)))"
        case .array: "array \(CanonicalJSON.serialize(self))"
        case .object: "table"
        }
    }
}
