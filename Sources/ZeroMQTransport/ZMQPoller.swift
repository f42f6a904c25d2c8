import CZeroMQ

/// Readiness of a socket in a poll (ZMQ_POLLIN / ZMQ_POLLOUT).
public struct ZMQPollEvents: OptionSet, Sendable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    /// At least one whole message can be received without blocking.
    public static let readable = ZMQPollEvents(rawValue: Int16(ZMQ_POLLIN))
    /// At least one message can be sent without blocking.
    public static let writable = ZMQPollEvents(rawValue: Int16(ZMQ_POLLOUT))
}

/// Waits on several sockets at once (zmq_poll(3)).
///
/// Register sockets once, then call `poll(timeoutMilliseconds:)` in the loop; the result lists,
/// in registration order, which of the requested events are ready. The poller keeps its sockets
/// alive and, like them, belongs to one thread.
public struct ZMQPoller {
    private var sockets: [ZMQSocket] = []
    private var requested: [ZMQPollEvents] = []

    public init() {}

    /// Adds a socket; returns its index in the results of `poll`.
    @discardableResult
    public mutating func register(_ socket: ZMQSocket, for events: ZMQPollEvents = .readable) -> Int {
        sockets.append(socket)
        requested.append(events)
        return sockets.count - 1
    }

    /// Waits until a registered event is ready or `timeoutMilliseconds` pass (-1 = forever, 0 = just look).
    /// - Returns: the ready events of each registered socket (empty when the timeout ran out).
    /// - Throws: `ZMQError` (kind `.interrupted` when a signal arrived, `.contextTerminated` on shutdown).
    public func poll(timeoutMilliseconds: Int) throws(ZMQError) -> [ZMQPollEvents] {
        var items: [zmq_pollitem_t] = []
        items.reserveCapacity(sockets.count)
        for (socket, events) in zip(sockets, requested) {
            let handle = try socket.openHandle("zmq_poll")
            items.append(zmq_pollitem_t(socket: handle, fd: 0, events: events.rawValue, revents: 0))
        }
        let count = Int32(items.count)
        let returnCode = items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, count, timeoutMilliseconds) }
        try ZMQCall.check("zmq_poll(\(items.count) sockets, \(timeoutMilliseconds) ms)", returnCode)
        return items.map { ZMQPollEvents(rawValue: $0.revents) }
    }
}
