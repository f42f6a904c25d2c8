import Configuration
import Foundation

/// A message's JSON body (frame 2), read field by field: each accessor returns the field's value
/// or throws `ProtocolError.malformedBody` naming the field (`pid`, `progress.step`,
/// `held_results[3]`) and what was wrong (`missing`, `expected an integer`, …). Keys it does not
/// ask for are ignored (a newer peer may add some); of a repeated key the first counts.
///
/// The text is parsed once, by ``JSONValue/init(parsingUTF8:)``, straight into the fields: at a
/// thousand results a second, `JSONDecoder` had been an eighth of the coordinator's loop.
struct MessageBody {
    let command: String
    private let members: [String: JSONValue]
    /// The dotted path of this object inside the body: "" at the top, "progress." inside it.
    private let path: String

    /// Parses frame 2: not JSON → field `body`, "not a JSON object"; JSON of another kind →
    /// field `body`, "expected a JSON object".
    init(_ frame: Data, command: String) throws(ProtocolError) {
        let value: JSONValue
        do {
            value = try JSONValue(parsingUTF8: [UInt8](frame))
        } catch {
            throw .malformedBody(command: command, field: "body", reason: "not a JSON object")
        }
        guard case .object(let members) = value else {
            throw .malformedBody(command: command, field: "body", reason: "expected a JSON object")
        }
        self.init(command: command, members: members, path: "")
    }

    private init(command: String, members: [String: JSONValue], path: String) {
        self.command = command
        self.members = members
        self.path = path
    }

    private func malformed(_ field: String, _ reason: String) -> ProtocolError {
        .malformedBody(command: command, field: path + field, reason: reason)
    }

    /// The value of `key`, nil when it is absent or null.
    private func optional(_ key: String) -> JSONValue? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    /// The value of a field that must be there and not null; `kind` names the type for the error.
    private func required(_ key: String, _ kind: String) throws(ProtocolError) -> JSONValue {
        guard let value = members[key] else { throw malformed(key, "missing") }
        guard value != .null else { throw malformed(key, "null where \(kind) is required") }
        return value
    }

    /// A required field read by `extract` (nil: not of that kind); `kind` names it in the error.
    private func field<T>(_ key: String, _ kind: String, _ extract: (JSONValue) -> T?) throws(ProtocolError) -> T {
        guard let value = extract(try required(key, kind)) else { throw malformed(key, "expected \(kind)") }
        return value
    }

    /// An optional field read by `extract`: nil when absent or null.
    private func optionalField<T>(_ key: String, _ kind: String, _ extract: (JSONValue) -> T?) throws(ProtocolError) -> T? {
        guard let value = optional(key) else { return nil }
        guard let read = extract(value) else { throw malformed(key, "expected \(kind)") }
        return read
    }

    func string(_ key: String) throws(ProtocolError) -> String { try field(key, "a string", Self.string) }

    func optionalString(_ key: String) throws(ProtocolError) -> String? { try optionalField(key, "a string", Self.string) }

    func integer(_ key: String) throws(ProtocolError) -> Int { try field(key, "an integer", Self.integer) }

    func optionalInteger(_ key: String) throws(ProtocolError) -> Int? { try optionalField(key, "an integer", Self.integer) }

    /// A JSON number, integer or not.
    func number(_ key: String) throws(ProtocolError) -> Double { try field(key, "a number", Self.number) }

    func optionalNumber(_ key: String) throws(ProtocolError) -> Double? { try optionalField(key, "a number", Self.number) }

    func bool(_ key: String) throws(ProtocolError) -> Bool {
        try field(key, "true or false") { if case .bool(let flag) = $0 { flag } else { nil } }
    }

    /// An array of strings; a wrong element is named by its index (`held_results[2]`).
    func strings(_ key: String) throws(ProtocolError) -> [String] {
        let items = try field(key, "a JSON array") { if case .array(let items) = $0 { items } else { nil } }
        var texts: [String] = []
        texts.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard let text = Self.string(item) else { throw malformed("\(key)[\(index)]", "expected a string") }
            texts.append(text)
        }
        return texts
    }

    /// An object of strings (file name → text); a wrong value is named by its key (`files.trace.csv`).
    func stringsByName(_ key: String) throws(ProtocolError) -> [String: String] {
        let entries = try field(key, "a JSON object") { if case .object(let entries) = $0 { entries } else { nil } }
        var texts: [String: String] = [:]
        texts.reserveCapacity(entries.count)
        for (name, value) in entries {
            guard let text = Self.string(value) else { throw malformed("\(key).\(name)", "expected a string") }
            texts[name] = text
        }
        return texts
    }

    /// A nested object, nil when absent or null; its fields are named `key.field`.
    func optionalObject(_ key: String) throws(ProtocolError) -> MessageBody? {
        let members = try optionalField(key, "a JSON object") { if case .object(let members) = $0 { members } else { nil } }
        return members.map { MessageBody(command: command, members: $0, path: path + key + ".") }
    }

    private static func string(_ value: JSONValue) -> String? {
        if case .string(let text) = value { text } else { nil }
    }

    private static func integer(_ value: JSONValue) -> Int? {
        if case .integer(let n) = value { n } else { nil }
    }

    private static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let n): Double(n)
        case .number(let x): x
        default: nil
        }
    }
}
