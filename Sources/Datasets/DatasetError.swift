/// Why a dataset could not be loaded. Each `description` is one line that names the file (or
/// the `data.*` key of docs/CONFIGURATION.md §2.1) and says what to do.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file the source needs is not there; `expected` says what belongs in that place.
    case missingFile(path: String, expected: String)
    /// A file could not be read (permissions, a folder where a file belongs, an I/O error).
    case unreadableFile(path: String, reason: String)
    /// A file is shorter than its format requires (`expected` is a byte count or a rule).
    case truncatedFile(path: String, expected: String, actualBytes: Int)
    /// A file is not in the format its name promises: bad magic number, bad header, bad value.
    case badFormat(path: String, found: String)
    /// A `.gz` file (or the bundled digits) whose gzip stream does not inflate.
    case corruptGzip(path: String, reason: String)
    /// `data.n` asks for more examples than the source has after class selection.
    case notEnoughExamples(requested: Int, available: Int, source: String)
    /// A class of `data.classes_subset` that the source does not have, or has no example of.
    case classNotPresent(classID: Int, source: String, available: String)
    /// `data.classes_subset` has one class or a repeated class.
    case invalidClassSubset([Int], reason: String)
    /// An option out of its domain (negative `data.n`, synthetic `dim` or `classes` too small, …).
    case invalidOption(key: String, reason: String)

    public var description: String {
        switch self {
        case .missingFile(let path, let expected):
            "\(path): file not found; expected \(expected) — set data.path to the folder that holds them"
        case .unreadableFile(let path, let reason):
            "\(path): cannot read the file (\(reason)); check its permissions and that it is a regular file"
        case .truncatedFile(let path, let expected, let actual):
            "\(path): truncated file: expected \(expected), found \(actual) bytes — download it again"
        case .badFormat(let path, let found):
            "\(path): not in the expected format: \(found) — check that data.name matches the files in data.path"
        case .corruptGzip(let path, let reason):
            "\(path): corrupt gzip data (\(reason)) — download the file again or store it uncompressed"
        case .notEnoughExamples(let requested, let available, let source):
            "data.n = \(requested) but \(source) has only \(available) examples after class selection; lower data.n or use 0 for all"
        case .classNotPresent(let classID, let source, let available):
            "data.classes_subset: class \(classID) is not present in \(source) (it has \(available)); choose among those"
        case .invalidClassSubset(let classes, let reason):
            "data.classes_subset = \(classes): \(reason); list no class (all), two (binary) or three or more distinct classes"
        case .invalidOption(let key, let reason):
            "\(key): \(reason)"
        }
    }
}
