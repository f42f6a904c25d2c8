import Foundation

/// A JSON value: the data model shared by TOML configuration files (converted on load),
/// `config.json` and the canonical JSON of task keys.
///
/// Integers and floats are kept apart (`integer` vs `number`) so that an integer key is
/// never written as `1500.0`; an object is unordered (writers sort its keys).
public enum JSONValue: Sendable, Hashable, Codable, CustomStringConvertible {
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

    /// The JSON data model of an `Encodable` value: what `JSONEncoder` then `JSONDecoder` give,
    /// without the text (`JSONValueEncoder`).
    public init(encoding value: some Encodable) throws {
        self = try JSONValueEncoder.encode(value)
    }

    /// Parses JSON text (``JSONParser``: integers and floats told apart as `JSONDecoder` does).
    public init(parsing text: String) throws {
        self = try JSONParser.parse(text)
    }

    /// Parses JSON from its UTF-8 bytes (``JSONParser``), e.g. a message frame as it arrived.
    public init(parsingUTF8 bytes: [UInt8]) throws {
        self = try JSONParser.parse(utf8: bytes)
    }

    /// Decodes this value as `type`: what `JSONEncoder` then `JSONDecoder` give, without the
    /// text (`JSONValueDecoder`).
    public func decode<T: Decodable>(as type: T.Type) throws -> T {
        try JSONValueDecoder.decode(type, from: self)
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

    /// This object without the leaves that `drop` (given a leaf's dotted key and value) is true
    /// of, nor the tables that leaves empty: the nested form of `dottedLeaves.filter { … }`,
    /// without building the dotted form (a sweep does this twice for every task).
    func removingLeaves(where drop: (String, JSONValue) -> Bool) -> JSONValue {
        removingLeaves(prefix: "", where: drop) ?? .object([:])
    }

    /// This value without the leaves `drop` is true of, its dotted key being `prefix`; nil when
    /// nothing is left of it.
    private func removingLeaves(prefix: String, where drop: (String, JSONValue) -> Bool) -> JSONValue? {
        guard case .object(let members) = self else { return drop(prefix, self) ? nil : self }
        var kept: [String: JSONValue] = [:]
        for (key, member) in members {
            kept[key] = member.removingLeaves(prefix: prefix.isEmpty ? key : prefix + "." + key, where: drop)
        }
        return kept.isEmpty ? nil : .object(kept)
    }

    /// Sets the leaf at the dotted key `key` of this nested object (names joined by single
    /// dots), making the tables on its way; a table it passes through must not be a leaf.
    mutating func setLeaf(_ value: JSONValue, at key: String) {
        setLeaf(value, at: key.split(separator: ".")[...])
    }

    private mutating func setLeaf(_ value: JSONValue, at path: ArraySlice<Substring>) {
        guard let first = path.first else {
            self = value
            return
        }
        guard case .object(var members) = self else { preconditionFailure("JSONValue.setLeaf: \(first) is under a leaf") }
        self = .null  // so that `members` is the only reference, and changes in place
        members[String(first), default: .object([:])].setLeaf(value, at: path.dropFirst())
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
