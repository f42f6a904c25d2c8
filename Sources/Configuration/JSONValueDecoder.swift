/// A `Decoder` that reads a `Decodable` value straight from a `JSONValue`, without JSON text.
///
/// It gives what `JSONEncoder` then `JSONDecoder` gave, at a fraction of the cost: a sweep
/// decodes every task's configuration from its dotted leaves. A float is read as `JSONDecoder`
/// reads the text `JSONEncoder` writes for it — as an integer when it is a whole number the type
/// holds (from 2^53 up, the decimal its shortest digits spell; see `JSONValue(readingBack:)`) —
/// a missing or null member is nil for an optional, and a value holding NaN or ±∞ throws (which
/// `JSONEncoder` does). The errors are `DecodingError`s naming the coding path; their wording is
/// not `JSONDecoder`'s.
struct JSONValueDecoder {
    /// `value` decoded as `type`.
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        guard CanonicalJSON.isFinite(value) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "NaN and infinities are not valid JSON"))
        }
        return try T(from: Impl(value: value, parentPath: [], key: nil))
    }

    /// The `Decoder` handed to each value's `init(from:)`, and its single-value container.
    private struct Impl: Decoder, SingleValueDecodingContainer {
        let value: JSONValue
        /// The coding path of the container holding this value, and the value's key there (nil
        /// at the top): the path is put together only when asked for (by a nested container or an
        /// error), not for every leaf.
        let parentPath: [any CodingKey]
        let key: (any CodingKey)?
        var codingPath: [any CodingKey] { key.map { parentPath + [$0] } ?? parentPath }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            guard case .object(let members) = value else { throw mismatch([String: JSONValue].self) }
            return KeyedDecodingContainer(Keyed(members: members, codingPath: codingPath))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard case .array(let items) = value else { throw mismatch([JSONValue].self) }
            return Unkeyed(items: items, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueDecodingContainer { self }

        private func mismatch(_ type: Any.Type) -> DecodingError {
            .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "found \(value) instead"))
        }

        func decodeNil() -> Bool { value == .null }

        func decode(_: Bool.Type) throws -> Bool {
            guard case .bool(let flag) = value else { throw mismatch(Bool.self) }
            return flag
        }

        func decode(_: String.Type) throws -> String {
            guard case .string(let text) = value else { throw mismatch(String.self) }
            return text
        }

        func decode(_: Double.Type) throws -> Double {
            switch value {
            case .integer(let n): Double(n)
            case .number(let x): x
            default: throw mismatch(Double.self)
            }
        }

        /// `JSONDecoder` parses the digits as a Float (not the Double they spell, then rounded),
        /// and refuses one that overflows to ±∞ or underflows to zero.
        func decode(_: Float.Type) throws -> Float {
            let text: String
            let isZero: Bool
            switch value {
            case .integer(let n): (text, isZero) = (String(n), n == 0)
            case .number(let x): (text, isZero) = (CanonicalJSON.format(number: x), x == 0)
            default: throw mismatch(Float.self)
            }
            guard let x = Float(text), x.isFinite, (x == 0) == isZero else { throw mismatch(Float.self) }
            return x
        }

        func decode(_: Int.Type) throws -> Int { try integer() }
        func decode(_: Int8.Type) throws -> Int8 { try integer() }
        func decode(_: Int16.Type) throws -> Int16 { try integer() }
        func decode(_: Int32.Type) throws -> Int32 { try integer() }
        func decode(_: Int64.Type) throws -> Int64 { try integer() }
        func decode(_: UInt.Type) throws -> UInt { try integer() }
        func decode(_: UInt8.Type) throws -> UInt8 { try integer() }
        func decode(_: UInt16.Type) throws -> UInt16 { try integer() }
        func decode(_: UInt32.Type) throws -> UInt32 { try integer() }
        func decode(_: UInt64.Type) throws -> UInt64 { try integer() }

        func decode<T: Decodable>(_: T.Type) throws -> T { try T(from: self) }

        /// An integer, or a float that is a whole number `T` holds: exactly below 2^53, else the
        /// decimal of its shortest digits (see `JSONValue(readingBack:)`).
        private func integer<T: FixedWidthInteger>() throws -> T {
            let result: T?
            switch value {
            case .integer(let n): result = T(exactly: n)
            case .number(let x) where x.rounded(.towardZero) == x:
                result = x.magnitude < 0x1p53 ? T(exactly: x) : T(CanonicalJSON.format(number: x))
            default: result = nil
            }
            guard let result else { throw mismatch(T.self) }
            return result
        }
    }

    private struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let members: [String: JSONValue]
        let codingPath: [any CodingKey]

        var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

        /// The decoder of the member named `key`; throws when there is none.
        private func decoder(_ key: Key) throws -> Impl {
            guard let member = members[key.stringValue] else {
                throw DecodingError.keyNotFound(
                    key, .init(codingPath: codingPath, debugDescription: "no member \"\(key.stringValue)\""))
            }
            return Impl(value: member, parentPath: codingPath, key: key)
        }

        func decodeNil(forKey key: Key) throws -> Bool { try decoder(key).decodeNil() }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder(key).decode(type) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder(key).decode(type) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder(key).decode(type) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decoder(key).decode(type) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder(key).decode(type) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder(key).decode(type) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder(key).decode(type) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder(key).decode(type) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder(key).decode(type) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder(key).decode(type) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder(key).decode(type) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder(key).decode(type) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder(key).decode(type) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder(key).decode(type) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder(key).decode(type) }

        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type, forKey key: Key
        ) throws -> KeyedDecodingContainer<NestedKey> {
            try decoder(key).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try decoder(key).unkeyedContainer()
        }

        /// The member `super`, or null when there is none (as `JSONDecoder`).
        func superDecoder() throws -> any Decoder {
            let key = JSONKey(stringValue: "super")
            return Impl(value: members[key.stringValue] ?? .null, parentPath: codingPath, key: key)
        }

        func superDecoder(forKey key: Key) throws -> any Decoder {
            Impl(value: members[key.stringValue] ?? .null, parentPath: codingPath, key: key)
        }
    }

    private struct Unkeyed: UnkeyedDecodingContainer {
        let items: [JSONValue]
        let codingPath: [any CodingKey]
        var currentIndex = 0

        init(items: [JSONValue], codingPath: [any CodingKey]) {
            self.items = items
            self.codingPath = codingPath
        }

        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        /// The decoder of the next item, which is then consumed; throws at the end.
        private mutating func next(_ type: Any.Type) throws -> Impl {
            let key = JSONKey(intValue: currentIndex)
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(
                    type, .init(codingPath: codingPath + [key], debugDescription: "unkeyed container is at end"))
            }
            currentIndex += 1
            return Impl(value: items[key.intValue!], parentPath: codingPath, key: key)
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, items[currentIndex] == .null else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type).decode(type) }
        mutating func decode(_ type: String.Type) throws -> String { try next(type).decode(type) }
        mutating func decode(_ type: Double.Type) throws -> Double { try next(type).decode(type) }
        mutating func decode(_ type: Float.Type) throws -> Float { try next(type).decode(type) }
        mutating func decode(_ type: Int.Type) throws -> Int { try next(type).decode(type) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type).decode(type) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type).decode(type) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type).decode(type) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type).decode(type) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type).decode(type) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type).decode(type) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type).decode(type) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type).decode(type) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type).decode(type) }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next(type).decode(type) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next([String: JSONValue].self).container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try next([JSONValue].self).unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Decoder { try next(JSONValue.self) }
    }
}
