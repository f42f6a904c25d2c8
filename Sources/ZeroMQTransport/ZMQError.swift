import CZeroMQ
#if canImport(Glibc)
    import Glibc
#endif

/// A failed libzmq call: the `errno` it left (`zmq_errno()`), the operation that failed (with its
/// endpoint or option), and `zmq_strerror`'s text.
///
/// Every libzmq call of this module goes through `ZMQCall`, so this is the only error a socket,
/// context or poller throws. `kind` separates the three outcomes a loop must treat differently:
/// `wouldBlock` (EAGAIN: nothing ready, or a send/receive timeout ran out), `contextTerminated`
/// (ETERM: shut down, close the socket) and `interrupted` (EINTR: a signal arrived, retry or exit).
public struct ZMQError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What a caller loop does with an error.
    public enum Kind: Sendable, Equatable {
        /// EAGAIN: no message ready, the peer queue is full, or a timeout ran out.
        case wouldBlock
        /// ETERM: the socket's context is being terminated.
        case contextTerminated
        /// EINTR: a signal interrupted the call.
        case interrupted
        /// Anything else (bad endpoint, address in use, unsupported option, …).
        case other
    }

    /// The `errno` value libzmq reported.
    public let code: Int32
    /// The libzmq function and its argument, e.g. `zmq_bind(tcp://0.0.0.0:5555)`.
    public let operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    public var kind: Kind {
        switch code {
        case EAGAIN: .wouldBlock
        case ETERM: .contextTerminated
        case EINTR: .interrupted
        default: .other
        }
    }

    /// `zmq_strerror(code)`.
    public var message: String { String(cString: zmq_strerror(code)) }

    public var description: String {
        "\(operation) failed: \(message) (errno \(code)); \(hint)"
    }

    /// What to do about it, in a few words.
    private var hint: String {
        switch code {
        case EAGAIN: "nothing was ready before the timeout; retry later"
        case ETERM: "the ZeroMQ context is shutting down; close the socket"
        case EINTR: "interrupted by a signal; retry or exit"
        case EADDRINUSE: "another process holds this endpoint; choose another port or path"
        case EINVAL, EPROTONOSUPPORT: "check the argument (endpoints look like tcp://host:port or ipc:///path)"
        case ENOTSUP: "this libzmq lacks the feature (CURVE needs libzmq built with libsodium)"
        case EHOSTUNREACH: "the peer is not connected (router_mandatory); drop it or wait for it to reconnect"
        default: "see zmq_errno(3)"
        }
    }
}

/// The one funnel for libzmq return codes: -1 (or NULL) becomes a `ZMQError` carrying `zmq_errno()`
/// read immediately after the call, before anything else can overwrite it.
enum ZMQCall {
    /// Checks an `int` return code; returns it when it is not -1.
    @discardableResult
    static func check(_ operation: @autoclosure () -> String, _ returnCode: Int32) throws(ZMQError) -> Int32 {
        if returnCode == -1 { throw ZMQError(code: zmq_errno(), operation: operation()) }
        return returnCode
    }

    /// Checks a pointer return value; returns it when it is not NULL.
    static func check<P>(_ operation: @autoclosure () -> String, _ pointer: P?) throws(ZMQError) -> P {
        guard let pointer else { throw ZMQError(code: zmq_errno(), operation: operation()) }
        return pointer
    }
}
