import Foundation
import SweepJournal
import SweepProtocol
import ZeroMQTransport

/// The coordinator's poll loop: owns the ROUTER socket (and its ZAP handler under CURVE), feeds
/// received messages and clock ticks to a `CoordinatorStateMachine`, and carries out its actions.
/// Create, run and close it on one thread.
///
/// Group commit: the journal changes of one turn — a clock tick, or up to ``maxMessagesPerTurn``
/// messages — are one transaction (``SweepJournal/batch(_:)``, one fsync), and the turn's replies
/// (TASK, ACK, …) leave only after it committed, so a reply never announces a change a crash
/// could take back. The journal's load grows with turns per second, not with workers. The task
/// files of a turn's results are written on a thread of their own while the turn goes on
/// (``SweepJournal/writeTaskFilesInBackground()``), and are all written before it commits.
public final class CoordinatorLoop {
    public let machine: CoordinatorStateMachine
    public let endpoint: String
    /// The endpoint as bound (a `tcp://…:*` wildcard resolved to its port).
    public let boundEndpoint: String
    private let socket: ZMQSocket
    private let authenticator: ZAPHandler?
    /// Under CURVE: sees the plain (non-CURVE) connections that libzmq drops before ZAP.
    private let handshakes: ZMQHandshakeMonitor?
    /// CURVE refusals reported by the ZAP handler's thread, complained about by the loop.
    private let refusals = RefusalQueue()
    /// Takes the log lines of one loop turn, in order (one write for a turn's many lines).
    private let log: @Sendable ([String]) -> Void

    /// Poll timeout, in ms: how often the loop looks at the clock and the stop flag when idle.
    static let pollMilliseconds = 50
    /// Messages handled per loop turn at most (fewer when the clock tick falls due first), so a
    /// flood of messages cannot hold off the tick that heartbeats and renews real workers.
    static let maxMessagesPerTurn = 256
    /// Socket linger on close, in ms, so that the last SHUTDOWNs and ACKs leave.
    static let lingerMilliseconds: Int32 = 1_000
    /// Connections waiting to be accepted at most (`ZMQ_BACKLOG`; libzmq's default is 100, Linux
    /// caps it at `net.core.somaxconn`, 4096 by default). The workers of a Slurm array connect
    /// within a second; a connection the kernel drops from a full queue waits for a SYN
    /// retransmission (1 s, then 3 s in all), long enough for its worker to give up and reconnect.
    static let listenBacklog: Int32 = 4096
    /// Seconds between refreshes of the journal's owner heartbeat (what `eos status` shows).
    static let ownerHeartbeatInterval = 1.0

    /// Binds `endpoint`. A non-local endpoint (see `CoordinatorSecurity.isLocal`) needs `.curve`
    /// security unless `insecure`; CURVE refusals — unknown keys, seen by ZAP, and plain
    /// connections, seen by a socket monitor — are logged and journaled (`worker_refused`) under
    /// the state machine's rate limit.
    public init(
        machine: CoordinatorStateMachine, endpoint: String, security: CoordinatorSecurity,
        insecure: Bool = false, log: @escaping @Sendable (_ lines: [String]) -> Void
    ) throws(CoordinatorError) {
        self.machine = machine
        self.endpoint = endpoint
        self.log = log
        if case .plain = security, !insecure, !CoordinatorSecurity.isLocal(endpoint) {
            throw .insecureBind(endpoint: endpoint)
        }
        do {
            let context = try ZMQContext()
            let socket = try ZMQSocket(.router, context: context)
            try socket.set(.maxMessageSize(bytes: Int64(ProtocolConstants.maxFrameBytes)))
            try socket.set(.linger(milliseconds: Self.lingerMilliseconds))
            try socket.set(.backlog(connections: Self.listenBacklog))
            if case .curve(let secretKey, let allowedKeys) = security {
                let refusals = refusals
                let handler = try ZAPHandler(context: context, allowedKeys: Set(allowedKeys.keys)) { decision in
                    let key = decision.publicKey?.z85 ?? "none"
                    if decision.accepted {
                        log(["accepted worker key \(decision.publicKey.flatMap { allowedKeys[$0] } ?? key) from \(decision.address)"])
                    } else {
                        refusals.append("refused \(decision.mechanism) worker with key \(key) from \(decision.address): \(decision.reason)")
                    }
                }
                try socket.enableCurveServer(secretKey: secretKey, authenticator: handler)
                authenticator = handler
                handshakes = try ZMQHandshakeMonitor(watching: socket)
            } else {
                authenticator = nil
                handshakes = nil
            }
            try socket.bind(endpoint)
            boundEndpoint = try socket.lastEndpoint()
            self.socket = socket
        } catch {
            throw .transport(endpoint: endpoint, error)
        }
        machine.journal.writeTaskFilesInBackground()
    }

    /// Runs until the sweep is finished (then lingers `grace` seconds answering late messages,
    /// so that every worker hears SHUTDOWN) or `shouldStop` returns true (then workers are told
    /// SHUTDOWN stopping). `onTick` is called after every clock tick (progress display).
    /// - Returns: true when the sweep finished.
    public func run(
        grace: Double? = nil, shouldStop: () -> Bool,
        onTick: (CoordinatorStateMachine) -> Void = { _ in }
    ) throws(CoordinatorError) -> Bool {
        let grace = grace ?? machine.settings.heartbeatInterval * 2
        let tickInterval = min(0.25, machine.settings.heartbeatInterval / 4)
        var poller = ZMQPoller()
        _ = poller.register(socket)
        var lastTick = -Double.infinity
        var lastOwnerHeartbeat = -Double.infinity
        var finishedAt: Double?
        while true {
            if shouldStop() {
                let now = Self.now()
                try perform(inBatch { () throws(JournalError) in try machine.stop(now: now) })
                return false
            }
            var now = Self.now()
            do {
                if now - lastTick >= tickInterval {
                    if lastTick.isFinite, now - lastTick > machine.settings.heartbeatInterval {
                        // The loop itself stalled (a slow fsync, SIGSTOP, a paused VM): the
                        // heartbeats that arrived meanwhile are read before the tick, which would
                        // otherwise expire the leases of workers that are alive. Bounded as always.
                        try receiveWaiting(until: nil)
                        now = Self.now()
                    }
                    lastTick = now
                    let beat = now - lastOwnerHeartbeat >= Self.ownerHeartbeatInterval
                    if beat { lastOwnerHeartbeat = now }
                    try perform(
                        inBatch { () throws(JournalError) in
                            let actions = try machine.tick(now: now)
                            if beat { try machine.journal.heartbeat(now: now) }
                            return actions
                        })
                    onTick(machine)
                    now = Self.now()
                }
                if machine.isFinished {
                    if finishedAt == nil { finishedAt = now }
                    if let finishedAt, now - finishedAt >= grace { return true }
                }
                _ = try poller.poll(timeoutMilliseconds: Self.pollMilliseconds)
                try receiveWaiting(until: lastTick + tickInterval)
            } catch let error as ZMQError where error.kind == .interrupted {
                continue
            } catch let error as ZMQError {
                throw .transport(endpoint: endpoint, error)
            } catch let error as CoordinatorError {
                throw error
            } catch {
                preconditionFailure("unexpected error \(error)")
            }
            for line in refusals.takeAll() + plainConnections() {
                let now = Self.now()
                try perform(inBatch { () throws(JournalError) in try machine.complain(Self.workerRefused, line, now: now) })
            }
        }
    }

    /// Handles the waiting messages, at most `maxMessagesPerTurn`, and none once `deadline` (the
    /// next clock tick) has come: a flood cannot hold off the tick. Their journal changes are one
    /// transaction; their replies leave after it committed.
    private func receiveWaiting(until deadline: Double?) throws {
        var received: [[Data]] = []
        while received.count < Self.maxMessagesPerTurn {
            if let deadline, Self.now() >= deadline { break }
            guard let frames = try socket.tryReceive() else { break }
            if !frames.isEmpty { received.append(frames) }
        }
        guard !received.isEmpty else { return }
        try perform(
            inBatch { () throws(JournalError) in
                var actions: [CoordinatorAction] = []
                for frames in received {
                    actions += try machine.receive(Array(frames.dropFirst()), from: frames[0], now: Self.now())
                }
                return actions
            })
    }

    /// `produce` inside one journal transaction (group commit).
    private func inBatch(_ produce: () throws(JournalError) -> [CoordinatorAction]) throws(CoordinatorError)
        -> [CoordinatorAction]
    {
        do { return try machine.journal.batch(produce) } catch { throw .journal(error) }
    }

    /// Journal event of a connection that CURVE refused.
    static let workerRefused = JournalEvent.Kind(rawValue: "worker_refused")

    /// Lines for the connections CURVE refused during the handshake since the last call.
    private func plainConnections() -> [String] {
        guard let handshakes, let failures = try? handshakes.takeFailures() else { return [] }
        return failures.map { failure in
            failure.isMechanismMismatch
                ? "refused a plain (non-CURVE) connection on \(failure.endpoint): give the worker --curve-secret and --curve-server"
                : "refused a connection on \(failure.endpoint): CURVE handshake failed (ZMTP protocol error 0x\(String(failure.protocolError, radix: 16)))"
        }
    }

    /// Closes the socket (after its linger), its handshake monitor and then the ZAP handler.
    public func close() {
        socket.close()
        handshakes?.close()
        authenticator?.stop()
    }

    /// Sends the turn's messages, then logs its lines in one call: a thousand results a second
    /// are two thousand lines, which cost a write each when logged one by one.
    private func perform(_ actions: [CoordinatorAction]) throws(CoordinatorError) {
        var lines: [String] = []
        for action in actions {
            switch action {
            case .log(let line):
                lines.append(line)
            case .send(let routingID, let message):
                do {
                    _ = try socket.trySend([routingID] + CoordinatorMessage.encode(message))
                } catch {
                    lines.append("could not send \(message.command.rawValue) to a worker: \(error.description)")
                }
            }
        }
        if !lines.isEmpty { log(lines) }
    }

    private static func now() -> Double { Date().timeIntervalSince1970 }
}
