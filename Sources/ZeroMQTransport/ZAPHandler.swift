import CZeroMQ
import Foundation
import Synchronization

/// A ZeroMQ Authentication Protocol handler (ZAP, RFC 27) that lets through only CURVE clients whose
/// public key is in an allowed set.
///
/// It binds a REP socket at `inproc://zeromq.zap.01` on the given context; every socket of that
/// context with `enableCurveServer` then asks it about each connecting client, and a refused
/// client's messages never reach the application. Each decision is passed to `onDecision`
/// (so the coordinator can log "refused worker with unknown key X").
///
/// Threads: the REP socket is created and bound on the caller's thread, then owned solely by the
/// handler's own thread, which also calls `onDecision`. `stop()` may be called from any thread.
/// Stop the handler only after closing the CURVE server sockets: libzmq lets CURVE clients through
/// unauthenticated when no ZAP handler is bound.
public final class ZAPHandler: Sendable {
    /// The endpoint RFC 27 fixes for the handler.
    public static let endpoint = "inproc://zeromq.zap.01"
    /// How often the handler thread looks at the stop flag while idle, in ms.
    static let stopCheckInterval = 100

    /// The context whose sockets this handler authenticates.
    public let context: ZMQContext
    private let state = ThreadState()

    /// Binds the handler and starts its thread.
    /// - Throws: `ZMQError` when the endpoint is already bound on this context (one handler per context).
    public init(
        context: ZMQContext, allowedKeys: Set<CurvePublicKey>,
        onDecision: @escaping @Sendable (ZAPDecision) -> Void
    ) throws(ZMQError) {
        self.context = context
        let socket = try ZMQSocket(.rep, context: context)
        try socket.bind(Self.endpoint)
        let handoff = SocketHandoff(socket: socket)
        let state = self.state
        let thread = Thread {
            Self.serve(handoff.socket, allowedKeys: allowedKeys, onDecision: onDecision, state: state)
            handoff.socket.close()
            state.finished.signal()
        }
        thread.name = "zap-handler"
        thread.start()
    }

    deinit { stop() }

    /// Stops the handler thread and closes its socket; returns once it has. Idempotent.
    public func stop() {
        if state.stopRequested.exchange(true, ordering: .acquiringAndReleasing) { return }
        state.finished.wait()
    }

    /// The handler loop: poll with a short timeout so the stop flag is seen, answer each request.
    private static func serve(
        _ socket: ZMQSocket, allowedKeys: Set<CurvePublicKey>,
        onDecision: @Sendable (ZAPDecision) -> Void, state: ThreadState
    ) {
        var poller = ZMQPoller()
        poller.register(socket)
        while !state.stopRequested.load(ordering: .acquiring) {
            do {
                let ready = try poller.poll(timeoutMilliseconds: stopCheckInterval)
                guard ready[0].contains(.readable), let request = try socket.tryReceive() else { continue }
                let (reply, decision) = answer(request, allowedKeys: allowedKeys)
                try socket.send(reply)
                if let decision { onDecision(decision) }
            } catch  where error.kind == .contextTerminated {
                return
            } catch  where error.kind == .interrupted {
                continue
            } catch {
                // Not expected on an inproc REP socket; keep serving (leaving would let clients in
                // unauthenticated) without spinning.
                Thread.sleep(forTimeInterval: Double(stopCheckInterval) / 1000)
            }
        }
    }

    /// The RFC 27 reply to one request, and the decision to report (nil for a malformed request).
    ///
    /// Request frames: version "1.0", request id, domain, address, routing id, mechanism, credentials…
    /// (CURVE: one 32-byte public key). Reply frames: version, request id, status code, status text,
    /// user id (the client's Z85 key when accepted), metadata (empty).
    static func answer(_ request: [Data], allowedKeys: Set<CurvePublicKey>) -> (reply: [Data], decision: ZAPDecision?) {
        let version = Data("1.0".utf8)
        let requestID = request.count > 1 ? request[1] : Data()
        func reply(_ code: String, _ text: String, userID: String = "") -> [Data] {
            [version, requestID, Data(code.utf8), Data(text.utf8), Data(userID.utf8), Data()]
        }
        guard request.count >= 6, request[0] == version else {
            return (reply("500", "malformed ZAP request"), nil)
        }
        let address = String(decoding: request[3], as: UTF8.self)
        let mechanism = String(decoding: request[5], as: UTF8.self)
        guard mechanism == "CURVE", request.count == 7, let key = CurvePublicKey(bytes: Array(request[6])) else {
            let text = "only CURVE clients are allowed"
            return (
                reply("400", text),
                ZAPDecision(accepted: false, mechanism: mechanism, publicKey: nil, address: address, reason: text)
            )
        }
        guard allowedKeys.contains(key) else {
            let text = "unknown public key"
            return (
                reply("400", text),
                ZAPDecision(accepted: false, mechanism: mechanism, publicKey: key, address: address, reason: text)
            )
        }
        return (
            reply("200", "OK", userID: key.z85),
            ZAPDecision(accepted: true, mechanism: mechanism, publicKey: key, address: address, reason: "OK")
        )
    }

    /// The stop flag and the "thread has finished" signal, shared with the handler thread.
    private final class ThreadState: Sendable {
        let stopRequested = Atomic<Bool>(false)
        let finished = DispatchSemaphore(value: 0)
    }

    /// Carries the bound REP socket to the handler thread.
    // @unchecked Sendable: the socket is handed off, not shared: after `Thread.start()` (a memory
    // barrier) only the handler thread touches it, as libzmq allows for a socket moved between threads.
    private final class SocketHandoff: @unchecked Sendable {
        let socket: ZMQSocket
        init(socket: ZMQSocket) { self.socket = socket }
    }
}
