import Foundation
import Synchronization
@testable import ZeroMQTransport

/// A fresh folder under the system temporary directory, short enough for an ipc:// path (< 108 bytes).
func makeTemporaryDirectory() throws -> URL {
    let url = URL(fileURLWithPath: "/tmp").appendingPathComponent("eos-zmq-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Polls `condition` every 10 ms until it holds or `seconds` pass; returns whether it held.
func eventually(within seconds: Double = 3, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return condition()
}

/// Collects the ZAP handler's decisions, which arrive on its thread.
final class DecisionLog: Sendable {
    private let decisions = Mutex<[ZAPDecision]>([])
    func append(_ decision: ZAPDecision) { decisions.withLock { $0.append(decision) } }
    var all: [ZAPDecision] { decisions.withLock { $0 } }
}

/// A socket with a receive timeout, so a test that waits for a message that never comes fails
/// instead of hanging, and no linger, so that a message left for a peer that never took it (a
/// refused client's READY) cannot hold off the context's end (`zmq_ctx_term`) for ever.
func makeSocket(_ type: ZMQSocketType, _ context: ZMQContext, receiveTimeout: Int32 = 3000) throws -> ZMQSocket {
    let socket = try ZMQSocket(type, context: context)
    try socket.set(.receiveTimeout(milliseconds: receiveTimeout))
    // A DEALER with no live pipe (say, refused in the handshake) blocks a send for ever.
    try socket.set(.sendTimeout(milliseconds: 3000))
    try socket.set(.linger(milliseconds: 0))
    return socket
}

/// Whether `socket` gets a message within `milliseconds`.
func receivesSomething(_ socket: ZMQSocket, within milliseconds: Int) throws -> Bool {
    var poller = ZMQPoller()
    poller.register(socket)
    return try poller.poll(timeoutMilliseconds: milliseconds)[0].contains(.readable)
}
