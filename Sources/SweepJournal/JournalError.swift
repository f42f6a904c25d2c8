/// Why a journal could not be opened or changed. Every `description` is one line that names
/// the journal file and says what to do.
public enum JournalError: Error, Equatable, CustomStringConvertible {
    /// Another coordinator holds the OS lock on `<journal>.lock`; `pid`/`host` come from its
    /// owner row (nil when that row could not be read).
    case inUse(path: String, pid: Int?, host: String?)
    /// The file exists but SQLite cannot read it as a database, or it lacks the journal tables.
    case notAJournal(path: String, reason: String)
    /// `PRAGMA quick_check` found damage.
    case damaged(path: String, problem: String)
    /// The journal was written by another schema version.
    case unsupportedVersion(path: String, found: Int, supported: Int)
    /// `openReadOnly` on a path where no journal exists.
    case missing(path: String)
    /// The journal holds another sweep than the one being synchronized.
    case otherSweep(path: String, journalSweep: String, requested: String)
    /// A task key that is not 64 lowercase hex digits, or listed twice.
    case invalidTaskKey(path: String, key: String, reason: String)
    /// A write on a journal opened with `openReadOnly`.
    case readOnly(path: String)
    /// A system call on the lock file failed.
    case lockFile(path: String, call: String, errno: Int32)
    /// Any other SQLite error, with SQLite's message.
    case database(path: String, message: String)
    /// A task file could not be written to its task folder (`path` is the file).
    case taskFiles(path: String, reason: String)

    public var description: String {
        switch self {
        case .inUse(let path, let pid, let host):
            let holder = pid.map { "coordinator pid \($0) on host \(host ?? "?")" } ?? "another coordinator"
            return "journal \(path) is in use by \(holder): stop that coordinator (or wait for it to end), "
                + "or give this sweep another --journal"
        case .notAJournal(let path, let reason):
            return "\(path) is not a sweep journal (\(oneLine(reason))): pass the journal.sqlite of a sweep, "
                + "or move this file away to start a new journal"
        case .damaged(let path, let problem):
            return "journal \(path) is damaged (\(oneLine(problem))): restore it from a backup, "
                + "or move it away to start the sweep over"
        case .unsupportedVersion(let path, let found, let supported):
            return "journal \(path) has schema version \(found), this eos reads version \(supported): "
                + "use the eos that wrote it"
        case .missing(let path):
            return "no journal at \(path): check the path (a sweep writes <out>/journal.sqlite)"
        case .otherSweep(let path, let journalSweep, let requested):
            return "journal \(path) holds sweep '\(journalSweep)', not '\(requested)': "
                + "give this sweep another --out or --journal"
        case .invalidTaskKey(let path, let key, let reason):
            return "task key '\(key)' for journal \(path) \(reason): task keys are unique 64-hex SHA-256 digests"
        case .readOnly(let path):
            return "journal \(path) was opened read-only: open it as coordinator to change it"
        case .lockFile(let path, let call, let errno):
            return "\(call) on lock file \(path) failed (errno \(errno)): check that its folder is writable"
        case .database(let path, let message):
            return "journal \(path): SQLite error: \(oneLine(message))"
        case .taskFiles(let path, let reason):
            return "cannot write task file \(path) (\(oneLine(reason))): check that the sweep's --out is writable and has space"
        }
    }
}

private func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).joined(separator: " ")
}
