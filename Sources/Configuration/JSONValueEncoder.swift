/// An `Encoder` that builds a `JSONValue` straight from an `Encodable` value, without JSON text.
///
/// It gives what `JSONEncoder` then `JSONDecoder` (into `JSONValue`) gave, which task keys were
/// computed from, at a fraction of the cost: a sweep encodes every task's configuration for its
/// task key and `config.json`. In particular a number comes back as `JSONDecoder` reads the text
/// `JSONEncoder` writes for it (`JSONValue(readingBack:)`: 1.0 is `.integer(1)`), a nil optional
/// property leaves its key out, a non-finite number throws, and a value that encodes nothing is
/// `{}` (at the top level: an error). Unlike `JSONEncoder` it does not special-case Foundation's
/// `Data`, `URL` and `Decimal`, which no configuration holds.
struct JSONValueEncoder {
    /// The JSON data model of `value`.
    static func encode(_ value: some Encodable) throws -> JSONValue {
        let root = Node()
        try value.encode(to: Impl(node: root, parentPath: [], key: nil))
        guard let json = root.json else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "Top-level \(type(of: value)) did not encode any values."))
        }
        return json
    }

    /// A value under construction: nothing yet, a finished value, or an object or array. The
    /// containers hold it by reference, as `Encoder` requires. A member or item is stored as a
    /// finished value once its `encode(to:)` has returned; only the nested containers and super
    /// encoders handed out for later use keep theirs open (`open…`) until the end.
    private final class Node {
        enum Kind { case empty, value, object, array }

        var kind = Kind.empty
        var value = JSONValue.null
        var members: [String: JSONValue] = [:]
        var openMembers: [String: Node] = [:]
        var items: [JSONValue] = []
        var openItems: [Int: Node] = [:]

        /// The finished value; nil if nothing was encoded (a member or item that encoded
        /// nothing is `{}`, as with `JSONEncoder`).
        var json: JSONValue? {
            switch kind {
            case .empty: nil
            case .value: value
            case .object:
                .object(openMembers.isEmpty ? members : members.merging(openMembers.mapValues(\.finished)) { _, open in open })
            case .array:
                .array(openItems.isEmpty ? items : items.indices.map { openItems[$0]?.finished ?? items[$0] })
            }
        }

        /// `json`, with `{}` for nothing.
        var finished: JSONValue { json ?? .object([:]) }

        func setMember(_ value: JSONValue, _ name: String) {
            members[name] = value
            openMembers[name] = nil
        }

        /// A fresh node left open under `name`.
        func openMember(_ name: String) -> Node {
            let child = Node()
            openMembers[name] = child
            return child
        }

        /// A fresh node left open at the end.
        func openItem() -> Node {
            let child = Node()
            openItems[items.count] = child
            items.append(.null)
            return child
        }
    }

    /// The `Encoder` handed to each value's `encode(to:)`: it writes into `node`.
    private struct Impl: Encoder {
        let node: Node
        /// The coding path of the container holding this value, and the value's key there (nil
        /// at the top): the path is put together only when a container asks for it, not for
        /// every leaf.
        let parentPath: [any CodingKey]
        let key: (any CodingKey)?
        var codingPath: [any CodingKey] { key.map { parentPath + [$0] } ?? parentPath }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            node.kind = .object
            return KeyedEncodingContainer(Keyed(node: node, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            node.kind = .array
            return Unkeyed(node: node, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(encoder: self) }
    }

    /// What `JSONDecoder` reads back from `JSONEncoder`'s text of `x`; throws for NaN and ±∞.
    static func number(_ x: Double) throws -> JSONValue {
        guard x.isFinite else {
            throw EncodingError.invalidValue(x, .init(codingPath: [], debugDescription: "\(x) is not valid JSON"))
        }
        return JSONValue(readingBack: x)
    }

    /// `Float` as `JSONEncoder` writes it (its own shortest digits), read back as a Double.
    static func number(_ x: Float) throws -> JSONValue {
        guard x.isFinite else {
            throw EncodingError.invalidValue(x, .init(codingPath: [], debugDescription: "\(x) is not valid JSON"))
        }
        return JSONValue(readingBack: Double(x.description)!)
    }

    /// An integer of any width: `.integer` when it fits `Int`, else the float `JSONDecoder` reads.
    static func integer(_ n: some FixedWidthInteger) -> JSONValue {
        Int(exactly: n).map(JSONValue.integer) ?? .number(Double(n))
    }

    /// What `value` encodes into.
    private static func child(_ value: some Encodable, parentPath: [any CodingKey], key: any CodingKey) throws -> JSONValue {
        let node = Node()
        try value.encode(to: Impl(node: node, parentPath: parentPath, key: key))
        return node.finished
    }

    private struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        let codingPath: [any CodingKey]

        private func set(_ value: JSONValue, _ key: Key) { node.setMember(value, key.stringValue) }

        mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
        mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
        mutating func encode(_ value: Double, forKey key: Key) throws { set(try number(value), key) }
        mutating func encode(_ value: Float, forKey key: Key) throws { set(try number(value), key) }
        mutating func encode(_ value: Int, forKey key: Key) throws { set(.integer(value), key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { set(integer(value), key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { set(integer(value), key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { set(integer(value), key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { set(integer(value), key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { set(integer(value), key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { set(integer(value), key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { set(integer(value), key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { set(integer(value), key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { set(integer(value), key) }

        mutating func encode(_ value: some Encodable, forKey key: Key) throws {
            node.setMember(try child(value, parentPath: codingPath, key: key), key.stringValue)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            Impl(node: node.openMember(key.stringValue), parentPath: codingPath, key: key).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            Impl(node: node.openMember(key.stringValue), parentPath: codingPath, key: key).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            let key = JSONKey(stringValue: "super")
            return Impl(node: node.openMember(key.stringValue), parentPath: codingPath, key: key)
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            Impl(node: node.openMember(key.stringValue), parentPath: codingPath, key: key)
        }
    }

    private struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]
        var count: Int { node.items.count }

        private func append(_ value: JSONValue) { node.items.append(value) }

        private var nextKey: JSONKey { JSONKey(intValue: count) }

        mutating func encodeNil() throws { append(.null) }
        mutating func encode(_ value: Bool) throws { append(.bool(value)) }
        mutating func encode(_ value: String) throws { append(.string(value)) }
        mutating func encode(_ value: Double) throws { append(try number(value)) }
        mutating func encode(_ value: Float) throws { append(try number(value)) }
        mutating func encode(_ value: Int) throws { append(.integer(value)) }
        mutating func encode(_ value: Int8) throws { append(integer(value)) }
        mutating func encode(_ value: Int16) throws { append(integer(value)) }
        mutating func encode(_ value: Int32) throws { append(integer(value)) }
        mutating func encode(_ value: Int64) throws { append(integer(value)) }
        mutating func encode(_ value: UInt) throws { append(integer(value)) }
        mutating func encode(_ value: UInt8) throws { append(integer(value)) }
        mutating func encode(_ value: UInt16) throws { append(integer(value)) }
        mutating func encode(_ value: UInt32) throws { append(integer(value)) }
        mutating func encode(_ value: UInt64) throws { append(integer(value)) }

        mutating func encode(_ value: some Encodable) throws {
            let key = nextKey
            node.items.append(try child(value, parentPath: codingPath, key: key))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let key = nextKey
            return Impl(node: node.openItem(), parentPath: codingPath, key: key).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let key = nextKey
            return Impl(node: node.openItem(), parentPath: codingPath, key: key).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            let key = nextKey
            return Impl(node: node.openItem(), parentPath: codingPath, key: key)
        }
    }

    /// The single-value container of `encoder`: it sets the encoder's node.
    private struct Single: SingleValueEncodingContainer {
        let encoder: Impl
        var codingPath: [any CodingKey] { encoder.codingPath }

        private func set(_ value: JSONValue) {
            encoder.node.kind = .value
            encoder.node.value = value
        }

        mutating func encodeNil() throws { set(.null) }
        mutating func encode(_ value: Bool) throws { set(.bool(value)) }
        mutating func encode(_ value: String) throws { set(.string(value)) }
        mutating func encode(_ value: Double) throws { set(try number(value)) }
        mutating func encode(_ value: Float) throws { set(try number(value)) }
        mutating func encode(_ value: Int) throws { set(.integer(value)) }
        mutating func encode(_ value: Int8) throws { set(integer(value)) }
        mutating func encode(_ value: Int16) throws { set(integer(value)) }
        mutating func encode(_ value: Int32) throws { set(integer(value)) }
        mutating func encode(_ value: Int64) throws { set(integer(value)) }
        mutating func encode(_ value: UInt) throws { set(integer(value)) }
        mutating func encode(_ value: UInt8) throws { set(integer(value)) }
        mutating func encode(_ value: UInt16) throws { set(integer(value)) }
        mutating func encode(_ value: UInt32) throws { set(integer(value)) }
        mutating func encode(_ value: UInt64) throws { set(integer(value)) }

        mutating func encode(_ value: some Encodable) throws {
            try value.encode(to: encoder)
        }
    }
}
