import CZeroMQ

/// A libzmq context (`zmq_ctx_new`): the I/O threads and the `inproc://` namespace that its sockets
/// share (the ZAP handler of a CURVE server must live on the server socket's context).
///
/// Sockets made from it default to linger 0 (`ZMQ_BLOCKY` = 0), so closing a socket or releasing the
/// context never waits on unsent messages; set `.linger` on a socket that must flush on close.
/// The context is terminated when the last reference goes away; every `ZMQSocket` keeps a strong
/// reference, so that happens only after all of its sockets are closed.
public final class ZMQContext: @unchecked Sendable {
    // @unchecked Sendable: libzmq contexts are thread-safe (zmq_ctx_new(3)); the handle is immutable.
    let handle: UnsafeMutableRawPointer

    /// - Parameters:
    ///   - ioThreads: libzmq I/O threads (one handles well over a gigabyte per second).
    ///   - maxSockets: the most sockets open at once (`ZMQ_MAX_SOCKETS`; libzmq's default is 1023,
    ///     and a closed socket counts until libzmq's reaper has finished it), nil for the default.
    public init(ioThreads: Int32 = 1, maxSockets: Int32? = nil) throws(ZMQError) {
        let handle = try ZMQCall.check("zmq_ctx_new", zmq_ctx_new())
        do {
            try ZMQCall.check("zmq_ctx_set(ZMQ_IO_THREADS)", zmq_ctx_set(handle, ZMQ_IO_THREADS, ioThreads))
            try ZMQCall.check("zmq_ctx_set(ZMQ_BLOCKY)", zmq_ctx_set(handle, ZMQ_BLOCKY, 0))
            if let maxSockets {
                try ZMQCall.check("zmq_ctx_set(ZMQ_MAX_SOCKETS)", zmq_ctx_set(handle, ZMQ_MAX_SOCKETS, maxSockets))
            }
        } catch {
            zmq_ctx_term(handle)
            throw error
        }
        self.handle = handle
    }

    deinit {
        // zmq_ctx_term may be interrupted by a signal before it finishes; it must then be called again.
        while zmq_ctx_term(handle) == -1 && zmq_errno() == EINTR {}
    }

    /// Whether this libzmq supports a capability, e.g. `"curve"` or `"ipc"` (`zmq_has`).
    public static func has(_ capability: String) -> Bool {
        zmq_has(capability) == 1
    }
}
