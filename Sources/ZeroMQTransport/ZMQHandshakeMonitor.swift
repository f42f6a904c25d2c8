import CZeroMQ
import Foundation

/// The failed handshakes of a socket, read through libzmq's socket monitor (zmq_socket_monitor(3)).
///
/// A client whose security mechanism differs from the server's (a plain NULL client at a CURVE
/// server) never reaches the ZAP handler: libzmq drops it during the ZMTP greeting. The monitor
/// is where such a connection is seen at all. libzmq reports the socket's own endpoint for an
/// accepted connection, not the peer's address, reports each failed connection once (it does not
/// retry a peer that failed the handshake; the peer reconnects on its own), and drops an event it
/// cannot deliver at once: the monitor sees most, not provably all, failed handshakes.
///
/// Threads: like a socket, create, read and close it on the thread that owns the watched socket.
public final class ZMQHandshakeMonitor {
    private let pair: ZMQSocket

    /// One failed handshake.
    public struct Failure: Sendable, Equatable {
        /// The endpoint libzmq names (the listening endpoint for an accepted connection).
        public let endpoint: String
        /// libzmq's protocol error code (`ZMQ_PROTOCOL_ERROR_*`).
        public let protocolError: UInt32

        /// The peer speaks another security mechanism (e.g. no CURVE at a CURVE server).
        public var isMechanismMismatch: Bool { protocolError == UInt32(ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH) }
    }

    /// Starts monitoring `socket` for protocol handshake failures.
    public init(watching socket: ZMQSocket) throws(ZMQError) {
        let endpoint = "inproc://eos-handshake-monitor-\(UUID().uuidString)"
        let handle = try socket.openHandle("zmq_socket_monitor(\(endpoint))")
        try ZMQCall.check(
            "zmq_socket_monitor(\(endpoint))",
            zmq_socket_monitor(handle, endpoint, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL))
        pair = try ZMQSocket(.pair, context: socket.context)
        try pair.set(.linger(milliseconds: 0))
        try pair.connect(endpoint)
    }

    /// The failures reported since the last call; never blocks.
    public func takeFailures() throws(ZMQError) -> [Failure] {
        var failures: [Failure] = []
        while let frames = try pair.tryReceive() {
            // Frame 0: event (uint16) and value (uint32), native byte order; frame 1: the endpoint.
            guard frames.count == 2, frames[0].count == 6 else { continue }
            let bytes = [UInt8](frames[0])
            let event = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt16.self) }
            let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 2, as: UInt32.self) }
            guard Int32(event) == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL else { continue }
            failures.append(Failure(endpoint: String(decoding: frames[1], as: UTF8.self), protocolError: value))
        }
        return failures
    }

    /// Closes the monitor's socket; call before or after closing the watched socket.
    public func close() { pair.close() }
}
