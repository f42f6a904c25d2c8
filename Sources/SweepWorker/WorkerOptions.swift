import Foundation
import ZeroMQTransport

/// How a worker connects and when it gives up (`eos worker`, docs/CONFIGURATION.md §1).
public struct WorkerOptions: Sendable {
    /// The coordinator's endpoint, e.g. `tcp://host:5555` or `ipc:///…/coordinator.ipc`.
    public var endpoint: String
    /// This worker's name in the journal; unique per process.
    public var name: String
    /// BLAS threads it computes with (reported in READY), ≥ 1.
    public var threads: Int
    /// Seconds without any message from a coordinator after which the worker exits.
    public var silenceTimeout: Double
    /// CURVE: the worker's key pair and the coordinator's public key; nil for a plain connection.
    public var curve: (keyPair: CurveKeyPair, serverKey: CurvePublicKey)?
    /// Local mode: the pid of the `eos sweep` that started this worker. Once the worker's parent is
    /// another process (the sweep died), it hands in what it finished and exits instead of taking
    /// new tasks.
    public var parentPID: Int32?

    public init(
        endpoint: String, name: String = WorkerOptions.defaultName, threads: Int = 1,
        silenceTimeout: Double = 60, curve: (keyPair: CurveKeyPair, serverKey: CurvePublicKey)? = nil,
        parentPID: Int32? = nil
    ) {
        self.endpoint = endpoint
        self.name = name
        self.threads = threads
        self.silenceTimeout = silenceTimeout
        self.curve = curve
        self.parentPID = parentPID
    }

    /// `host-pid`.
    public static var defaultName: String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        return "\(host)-\(getpid())"
    }
}
