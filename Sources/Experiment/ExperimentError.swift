/// What can stop a run before or while it writes its directory; each description is one line
/// that says what to do.
public enum ExperimentError: Error, Equatable, Sendable, CustomStringConvertible {
    case outputNotEmpty(path: String)
    case outputNotADirectory(path: String)
    case cannotWrite(path: String, reason: String)
    case dataset(String)
    case invalidConfiguration(String)
    case checkpoint(path: String, reason: String)

    public var description: String {
        switch self {
        case .outputNotEmpty(let path):
            return "\(path): output folder is not empty; choose another --out or pass --force to replace it"
        case .outputNotADirectory(let path):
            return "\(path): exists and is not a folder; choose another --out"
        case .cannotWrite(let path, let reason):
            return "\(path): cannot write (\(reason)); check the folder's permissions and free space"
        case .dataset(let message):
            return message
        case .invalidConfiguration(let message):
            return message
        case .checkpoint(let path, let reason):
            return "\(path): unusable checkpoint (\(reason)); delete it to start the task afresh"
        }
    }
}
