import Foundation

/// What the coordinator knows about one connected worker (one ROUTER routing id).
struct WorkerSession {
    /// The worker's name from READY (`host-pid`), or `worker-<routing id hex>` before it sent one.
    var name: String
    /// Unix seconds of the first valid message from it.
    var since: Double
    /// Unix seconds of the last valid message from it.
    var lastHeard: Double
    /// Unix seconds of the last message sent to it (a HEARTBEAT goes out only after an interval
    /// without any: every message tells the worker that the coordinator is alive).
    var lastSent: Double
    /// Whether it introduced itself with READY (a peer that never did and holds no lease is
    /// anonymous: such sessions are capped, oldest forgotten first).
    var introduced = false
    /// Whether the SHUTDOWN of a finished sweep was sent to it.
    var toldToShutDown = false
    /// The worker's session token from READY (the same on all its connections), if it sent one.
    var session: String?
    /// Task keys of the results ACKed to this connection that its READYs may still list as held
    /// (a worker sends READY right after its RESULT, before the ACK arrives): such a key needs
    /// no second ACK, one is on its way on the same connection. Forgotten once a READY no longer
    /// lists it, so it holds at most the worker's results in flight.
    var ackedResults: Set<String> = []

    /// A readable name for a routing id that has not introduced itself.
    static func anonymousName(_ routingID: Data) -> String {
        "worker-" + routingID.prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
