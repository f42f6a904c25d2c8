import CZeroMQ

/// The libzmq socket patterns this project uses (zmq_socket(3)).
public enum ZMQSocketType: Sendable {
    /// Coordinator side: prefixes each received message with the sender's routing id frame and
    /// routes each sent message by its first frame.
    case router
    /// Worker side: asynchronous request/reply without the REQ lock-step.
    case dealer
    /// Strict reply socket (the ZAP handler).
    case rep
    /// Strict request socket.
    case req
    /// One-to-one pipe (inproc signalling between threads).
    case pair

    var rawValue: Int32 {
        switch self {
        case .router: ZMQ_ROUTER
        case .dealer: ZMQ_DEALER
        case .rep: ZMQ_REP
        case .req: ZMQ_REQ
        case .pair: ZMQ_PAIR
        }
    }
}
