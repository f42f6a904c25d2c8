import Configuration
import Foundation

/// The value rules of message bodies, each throwing `ProtocolError.invalidValue` naming the
/// command and the field.
struct FieldRules {
    let command: String

    private func invalid(_ field: String, _ reason: String) -> ProtocolError {
        .invalidValue(command: command, field: field, reason: reason)
    }

    /// A task key: the 64 lowercase hex digits of a SHA-256 (docs/CONFIGURATION.md §4).
    func taskKey(_ value: String, _ field: String) throws(ProtocolError) {
        guard !value.isEmpty else { throw invalid(field, "is empty, expected a 64-hex task key") }
        guard value.utf8.count == 64, value.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { throw invalid(field, "is not a 64-hex task key (lowercase SHA-256)") }
    }

    /// A lease token: `ProtocolConstants.leaseTokenHexDigits` lowercase hex digits.
    func leaseToken(_ value: String, _ field: String) throws(ProtocolError) {
        try token(value, digits: ProtocolConstants.leaseTokenHexDigits, "lease", field)
    }

    /// A worker's session token: `ProtocolConstants.sessionTokenHexDigits` lowercase hex digits.
    func sessionToken(_ value: String, _ field: String) throws(ProtocolError) {
        try token(value, digits: ProtocolConstants.sessionTokenHexDigits, "session", field)
    }

    private func token(_ value: String, digits: Int, _ kind: String, _ field: String) throws(ProtocolError) {
        guard value.utf8.count == digits,
            value.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { throw invalid(field, "is not a \(digits)-hex \(kind) token") }
    }

    func nonEmpty(_ value: String, _ field: String) throws(ProtocolError) {
        guard !value.isEmpty else { throw invalid(field, "is empty") }
    }

    /// A list of at most `maximum` entries.
    func atMost(count: Int, _ maximum: Int, _ field: String) throws(ProtocolError) {
        guard count <= maximum else { throw invalid(field, "has \(count) entries, at most \(maximum) allowed") }
    }

    /// Text of at most `maximum` UTF-8 bytes (what the coordinator keeps and shows of it).
    func atMost(bytes value: String, _ maximum: Int, _ field: String) throws(ProtocolError) {
        guard value.utf8.count <= maximum else { throw invalid(field, "has \(value.utf8.count) bytes, at most \(maximum) allowed") }
    }

    func atLeast<I: BinaryInteger>(_ value: I, _ minimum: I, _ field: String) throws(ProtocolError) {
        guard value >= minimum else { throw invalid(field, "is \(value), expected at least \(minimum)") }
    }

    /// Finite and > 0 (an interval in seconds).
    func positive(_ value: Double, _ field: String) throws(ProtocolError) {
        guard value.isFinite, value > 0 else { throw invalid(field, "is \(value), expected a finite number > 0") }
    }

    /// Finite and ≥ 0 (a delay in seconds).
    func nonNegative(_ value: Double, _ field: String) throws(ProtocolError) {
        guard value.isFinite, value >= 0 else { throw invalid(field, "is \(value), expected a finite number ≥ 0") }
    }

    /// Text that parses as one JSON object (a summary or a configuration).
    func jsonObject(_ text: String, _ field: String) throws(ProtocolError) {
        guard case .object = try? JSONValue(parsing: text) else { throw invalid(field, "is not a JSON object") }
    }

    /// A plain file name of a run directory: non-empty, no `/`, NUL, `.` or `..`, so it can never
    /// name a path outside the folder it is written to.
    func fileName(_ name: String, _ field: String) throws(ProtocolError) {
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.contains("\0") else {
            throw invalid(field, "has file name \"\(ProtocolError.printable(Data(name.utf8)))\", expected a plain file name")
        }
    }
}
