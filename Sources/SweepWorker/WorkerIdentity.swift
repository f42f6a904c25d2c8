import Foundation
import SweepProtocol

/// Who a worker is, as its READY says: name, host, pid, BLAS threads, and the session token that
/// stays the same across its reconnects (docs/ARCHITECTURE.md §5).
public struct WorkerIdentity: Equatable, Sendable {
    /// Unique per process, e.g. `host-pid`.
    public var name: String
    public var host: String
    public var pid: Int
    /// ≥ 1.
    public var threads: Int
    /// 32 lowercase hex digits, 128 random bits drawn once per process.
    public var session: String

    public init(name: String, host: String, pid: Int, threads: Int, session: String = RandomToken.hex128()) {
        self.name = name
        self.host = host
        self.pid = pid
        self.threads = threads
        self.session = session
    }

    /// This process: `options.name`, the host name, `getpid()`, `options.threads`, a new session.
    public init(options: WorkerOptions) {
        self.init(
            name: options.name, host: ProcessInfo.processInfo.hostName, pid: Int(getpid()), threads: options.threads)
    }
}
