/// Why a report could not be made; each `description` is one line naming the file and what to do.
public enum ReportError: Error, CustomStringConvertible, Equatable {
    /// The path is neither a journal file nor a run directory.
    case notASource(path: String)
    /// A run directory without the file every run writes.
    case missingFile(path: String)
    /// A CSV or JSON file that cannot be read as docs/CONFIGURATION.md §5 and §6 describe.
    case malformedFile(name: String, line: Int?, reason: String)
    /// The journal could not be read (its own one-line message).
    case journal(String)
    /// The output folder or a file in it could not be written.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .notASource(let path):
            "\(path): neither a sweep journal (journal.sqlite) nor a run directory (with summary.json); "
                + "give the journal of an eos sweep or the --out folder of an eos run"
        case .missingFile(let path):
            "\(path): missing; a run directory holds config.json, summary.json and trace.csv — "
                + "is the run finished (eos run … --out DIR)?"
        case .malformedFile(let name, let line, let reason):
            "\(name)\(line.map { ":\($0)" } ?? ""): \(reason); re-run the task or repair the file"
        case .journal(let message):
            message
        case .cannotWrite(let path, let reason):
            "\(path): cannot write (\(reason)); choose another --out folder"
        }
    }
}
