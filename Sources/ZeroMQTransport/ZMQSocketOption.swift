import CZeroMQ
import Foundation

/// A socket option with its value and unit (zmq_setsockopt(3)). Set with `ZMQSocket.set(_:)`;
/// options that affect connections (heartbeats, maxmsgsize, routing id, CURVE) must be set before
/// `bind`/`connect`.
public enum ZMQSocketOption: Sendable, Equatable {
    /// How long unsent messages are kept after close, in ms (-1 = forever, 0 = drop; the context's default is 0).
    case linger(milliseconds: Int32)
    /// Queue limit of outgoing messages per peer (0 = unlimited).
    case sendHighWaterMark(messages: Int32)
    /// Queue limit of incoming messages per peer (0 = unlimited).
    case receiveHighWaterMark(messages: Int32)
    /// Largest inbound message accepted, in bytes (-1 = no limit); a peer that sends a larger
    /// one is disconnected and the message dropped.
    case maxMessageSize(bytes: Int64)
    /// Blocking receive gives up with EAGAIN after this many ms (-1 = wait forever).
    case receiveTimeout(milliseconds: Int32)
    /// Blocking send gives up with EAGAIN after this many ms (-1 = wait forever).
    case sendTimeout(milliseconds: Int32)
    /// The identity a ROUTER peer sees for this socket (1…255 bytes, first byte not 0).
    case routingID(Data)
    /// ROUTER: sending to an unknown routing id fails with EHOSTUNREACH instead of dropping silently.
    case routerMandatory(Bool)
    /// Queue messages only to completed connections (no queueing toward a peer not yet there).
    case immediate(Bool)
    /// First reconnect delay after a lost connection, in ms (-1 = never reconnect).
    case reconnectInterval(milliseconds: Int32)
    /// Ceiling of the exponential reconnect back-off, in ms (0 = no back-off, keep reconnectInterval).
    case reconnectIntervalMax(milliseconds: Int32)
    /// ZMTP PING period on each connection, in ms (0 = off).
    case heartbeatInterval(milliseconds: Int32)
    /// Time-to-live this socket asks its peer to apply to the connection, in ms (rounded to 100 ms).
    case heartbeatTTL(milliseconds: Int32)
    /// Close a connection when no traffic arrived this many ms after a PING.
    case heartbeatTimeout(milliseconds: Int32)
    /// Maximum time for the ZMTP handshake (including CURVE and ZAP), in ms (0 = no limit).
    case handshakeInterval(milliseconds: Int32)
    /// Connections a bound TCP or IPC socket lets wait to be accepted (listen(2)'s backlog; libzmq's
    /// default is 100, Linux caps it at `net.core.somaxconn`). Set before `bind`.
    case backlog(connections: Int32)
}

extension ZMQSocketOption {
    /// The libzmq option name and, for the error message, a readable label.
    var name: (code: Int32, label: String) {
        switch self {
        case .linger: (ZMQ_LINGER, "ZMQ_LINGER")
        case .sendHighWaterMark: (ZMQ_SNDHWM, "ZMQ_SNDHWM")
        case .receiveHighWaterMark: (ZMQ_RCVHWM, "ZMQ_RCVHWM")
        case .maxMessageSize: (ZMQ_MAXMSGSIZE, "ZMQ_MAXMSGSIZE")
        case .receiveTimeout: (ZMQ_RCVTIMEO, "ZMQ_RCVTIMEO")
        case .sendTimeout: (ZMQ_SNDTIMEO, "ZMQ_SNDTIMEO")
        case .routingID: (ZMQ_ROUTING_ID, "ZMQ_ROUTING_ID")
        case .routerMandatory: (ZMQ_ROUTER_MANDATORY, "ZMQ_ROUTER_MANDATORY")
        case .immediate: (ZMQ_IMMEDIATE, "ZMQ_IMMEDIATE")
        case .reconnectInterval: (ZMQ_RECONNECT_IVL, "ZMQ_RECONNECT_IVL")
        case .reconnectIntervalMax: (ZMQ_RECONNECT_IVL_MAX, "ZMQ_RECONNECT_IVL_MAX")
        case .heartbeatInterval: (ZMQ_HEARTBEAT_IVL, "ZMQ_HEARTBEAT_IVL")
        case .heartbeatTTL: (ZMQ_HEARTBEAT_TTL, "ZMQ_HEARTBEAT_TTL")
        case .heartbeatTimeout: (ZMQ_HEARTBEAT_TIMEOUT, "ZMQ_HEARTBEAT_TIMEOUT")
        case .handshakeInterval: (ZMQ_HANDSHAKE_IVL, "ZMQ_HANDSHAKE_IVL")
        case .backlog: (ZMQ_BACKLOG, "ZMQ_BACKLOG")
        }
    }

    /// The option value as the bytes zmq_setsockopt expects (int, int64_t or a byte string).
    var valueBytes: [UInt8] {
        func bytes<T>(of value: T) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }
        return switch self {
        case .linger(let v), .sendHighWaterMark(let v), .receiveHighWaterMark(let v),
            .receiveTimeout(let v), .sendTimeout(let v), .reconnectInterval(let v),
            .reconnectIntervalMax(let v), .heartbeatInterval(let v), .heartbeatTTL(let v),
            .heartbeatTimeout(let v), .handshakeInterval(let v), .backlog(let v):
            bytes(of: v)
        case .maxMessageSize(let v): bytes(of: v)
        case .routerMandatory(let flag), .immediate(let flag): bytes(of: Int32(flag ? 1 : 0))
        case .routingID(let id): Array(id)
        }
    }
}
