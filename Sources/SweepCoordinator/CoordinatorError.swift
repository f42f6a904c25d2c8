import SweepJournal
import ZeroMQTransport

/// Why a coordinator cannot start or carry on. Each description is one line that says what to do.
public enum CoordinatorError: Error, CustomStringConvertible {
    /// A non-loopback bind without CURVE and without `--insecure`.
    case insecureBind(endpoint: String)
    /// The socket could not be set up or failed in the loop.
    case transport(endpoint: String, ZMQError)
    /// The journal refused a change (disk full, lock lost, …).
    case journal(JournalError)

    public var description: String {
        switch self {
        case .insecureBind(let endpoint):
            return "refusing to bind \(endpoint) without encryption: pass --curve-secret FILE --curve-allow DIR "
                + "(see eos keys generate), bind a loopback or ipc:// endpoint, or pass --insecure on a trusted network"
        case .transport(let endpoint, let error):
            return "coordinator socket \(endpoint): \(error.description)"
        case .journal(let error):
            return error.description
        }
    }
}
