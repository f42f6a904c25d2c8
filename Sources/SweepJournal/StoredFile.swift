import Configuration

/// What the journal records of a task file: its content hash and size. A task's records are
/// kept in its row as one JSON object, file name → `{"bytes": …, "sha256": …}` (`task.files_json`,
/// docs/ARCHITECTURE.md §6).
public struct StoredFile: Equatable, Sendable {
    /// 64 lowercase hex digits.
    public var sha256: String
    public var bytes: Int

    public init(sha256: String, bytes: Int) {
        self.sha256 = sha256
        self.bytes = bytes
    }

    /// `records` as the canonical JSON text of `task.files_json`.
    static func json(_ records: [String: StoredFile]) -> String {
        canonicalJSON(.object(records.mapValues { .object(["bytes": .integer($0.bytes), "sha256": .string($0.sha256)]) }))
    }

    /// The records in a `task.files_json` text; a name whose entry is not a size and a hash is left
    /// out (it then reads as missing, never as wrong).
    static func records(json text: String?) -> [String: StoredFile] {
        guard let text, case .object(let entries)? = try? JSONValue(parsing: text) else { return [:] }
        return entries.compactMapValues { entry in
            guard case .object(let fields) = entry, case .integer(let bytes)? = fields["bytes"],
                case .string(let sha256)? = fields["sha256"]
            else { return nil }
            return StoredFile(sha256: sha256, bytes: bytes)
        }
    }
}
