import CZeroMQ
import Foundation

/// A libzmq socket (zmq_socket(3)) that sends and receives multipart messages.
///
/// A message is a list of frames; on a ROUTER the first received frame is the sender's routing id
/// and the first sent frame picks the peer. Sends and receives are atomic per message: either all
/// frames arrive or none.
///
/// Thread-safety: libzmq sockets are not thread-safe, so this class is not `Sendable`: create and
/// use a socket on one thread (the one that owns its poll loop). It keeps its context alive.
/// Every call throws `ZMQError`; after `close()` every call throws ENOTSOCK.
public final class ZMQSocket {
    public let context: ZMQContext
    public let type: ZMQSocketType
    private(set) var handle: UnsafeMutableRawPointer?
    /// The ZAP handler of a CURVE server socket, kept alive at least as long as the socket so that
    /// it cannot stop (letting clients in unauthenticated) while the socket still accepts connections.
    var authenticator: ZAPHandler?

    public init(_ type: ZMQSocketType, context: ZMQContext) throws(ZMQError) {
        self.context = context
        self.type = type
        self.handle = try ZMQCall.check("zmq_socket(\(type))", zmq_socket(context.handle, type.rawValue))
    }

    deinit { close() }

    /// Closes the socket (zmq_close); idempotent. Unsent messages are kept for `.linger` ms.
    public func close() {
        if let handle { zmq_close(handle) }
        handle = nil
        authenticator = nil
    }

    /// The live handle, or ENOTSOCK once closed.
    func openHandle(_ operation: @autoclosure () -> String) throws(ZMQError) -> UnsafeMutableRawPointer {
        guard let handle else { throw ZMQError(code: ENOTSOCK, operation: operation() + " on a closed socket") }
        return handle
    }

    // MARK: Endpoints

    /// Binds to `tcp://host:port` (port `*` = ephemeral, see `lastEndpoint()`), `ipc:///path` or `inproc://name`.
    public func bind(_ endpoint: String) throws(ZMQError) {
        let handle = try openHandle("zmq_bind(\(endpoint))")
        try ZMQCall.check("zmq_bind(\(endpoint))", zmq_bind(handle, endpoint))
    }

    /// Connects to an endpoint; libzmq connects (and reconnects) in the background.
    public func connect(_ endpoint: String) throws(ZMQError) {
        let handle = try openHandle("zmq_connect(\(endpoint))")
        try ZMQCall.check("zmq_connect(\(endpoint))", zmq_connect(handle, endpoint))
    }

    /// Stops listening on an endpoint given exactly as bound (or as reported by `lastEndpoint()`).
    public func unbind(_ endpoint: String) throws(ZMQError) {
        let handle = try openHandle("zmq_unbind(\(endpoint))")
        try ZMQCall.check("zmq_unbind(\(endpoint))", zmq_unbind(handle, endpoint))
    }

    /// Drops the connection to an endpoint given exactly as connected.
    public func disconnect(_ endpoint: String) throws(ZMQError) {
        let handle = try openHandle("zmq_disconnect(\(endpoint))")
        try ZMQCall.check("zmq_disconnect(\(endpoint))", zmq_disconnect(handle, endpoint))
    }

    /// The endpoint of the last bind or connect, with an ephemeral port or wildcard resolved
    /// (`tcp://127.0.0.1:*` → `tcp://127.0.0.1:41234`).
    public func lastEndpoint() throws(ZMQError) -> String {
        let handle = try openHandle("zmq_getsockopt(ZMQ_LAST_ENDPOINT)")
        var buffer = [CChar](repeating: 0, count: 1024)
        var length = buffer.count
        try ZMQCall.check(
            "zmq_getsockopt(ZMQ_LAST_ENDPOINT)",
            zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &length))
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The socket's notification descriptor (`ZMQ_FD`), for an event loop of one's own: epoll over
    /// thousands of sockets costs per ready socket, where `ZMQPoller` looks at every socket on every
    /// poll. It becomes readable when the socket's state may have changed, not once per message:
    /// once it signals, receive until `tryReceive()` returns nil, and do the same after every send
    /// (libzmq may take the signal while sending). libzmq owns it: never read it or close it.
    public func notificationDescriptor() throws(ZMQError) -> Int32 {
        let handle = try openHandle("zmq_getsockopt(ZMQ_FD)")
        var descriptor: Int32 = -1
        var length = MemoryLayout<Int32>.size
        try ZMQCall.check("zmq_getsockopt(ZMQ_FD)", zmq_getsockopt(handle, ZMQ_FD, &descriptor, &length))
        return descriptor
    }

    // MARK: Options

    /// Sets one socket option (zmq_setsockopt).
    public func set(_ option: ZMQSocketOption) throws(ZMQError) {
        try setRaw(option.name.code, label: option.name.label, bytes: option.valueBytes)
    }

    /// Sets an option from raw bytes; the CURVE options use it too.
    func setRaw(_ code: Int32, label: String, bytes: [UInt8]) throws(ZMQError) {
        let handle = try openHandle("zmq_setsockopt(\(label))")
        let returnCode = bytes.withUnsafeBytes { zmq_setsockopt(handle, code, $0.baseAddress, $0.count) }
        try ZMQCall.check("zmq_setsockopt(\(label))", returnCode)
    }

    // MARK: Messages

    /// Sends one multipart message, blocking while the peer queue is full (up to `.sendTimeout`,
    /// then EAGAIN). `frames` must not be empty; a frame may be.
    public func send<Frame: ContiguousBytes>(_ frames: [Frame]) throws(ZMQError) {
        try sendFrames(frames, flags: 0)
    }

    /// Sends one multipart message without blocking; returns false (nothing sent) when it cannot be
    /// queued now.
    public func trySend<Frame: ContiguousBytes>(_ frames: [Frame]) throws(ZMQError) -> Bool {
        do {
            try sendFrames(frames, flags: ZMQ_DONTWAIT)
            return true
        } catch  where error.kind == .wouldBlock {
            return false
        }
    }

    /// Receives one multipart message, blocking until one arrives (up to `.receiveTimeout`, then EAGAIN).
    public func receive() throws(ZMQError) -> [Data] {
        try receiveFrames(flags: 0)
    }

    /// Receives one multipart message if one is queued; nil otherwise.
    public func tryReceive() throws(ZMQError) -> [Data]? {
        do {
            return try receiveFrames(flags: ZMQ_DONTWAIT)
        } catch  where error.kind == .wouldBlock {
            return nil
        }
    }

    private func sendFrames<Frame: ContiguousBytes>(_ frames: [Frame], flags: Int32) throws(ZMQError) {
        precondition(!frames.isEmpty, "a ZeroMQ message has at least one frame")
        let handle = try openHandle("zmq_send")
        for (index, frame) in frames.enumerated() {
            let more = index < frames.count - 1 ? ZMQ_SNDMORE : 0
            let returnCode = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags | more) }
            try ZMQCall.check("zmq_send(frame \(index) of \(frames.count))", returnCode)
        }
    }

    private func receiveFrames(flags: Int32) throws(ZMQError) -> [Data] {
        let handle = try openHandle("zmq_msg_recv")
        let message = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)
        defer { message.deallocate() }
        var frames: [Data] = []
        var more = true
        while more {
            zmq_msg_init(message)
            defer { zmq_msg_close(message) }
            try ZMQCall.check("zmq_msg_recv(frame \(frames.count))", zmq_msg_recv(message, handle, flags))
            frames.append(Data(bytes: zmq_msg_data(message), count: zmq_msg_size(message)))
            more = zmq_msg_more(message) == 1
        }
        return frames
    }
}
