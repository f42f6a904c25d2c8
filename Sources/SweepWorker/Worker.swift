import Configuration
import Foundation
import SweepProtocol
import ZeroMQTransport

/// A sweep worker (zguide's paranoid-pirate worker): its calling thread is the network thread,
/// which alone owns the DEALER socket; each task runs on a separate compute thread, so heartbeats
/// keep flowing while the task computes. The two threads meet only in a `ComputeMailbox`.
///
/// READY → TASK → (HEARTBEAT with progress)* → RESULT | FAIL | RETURN → READY. A RESULT is kept
/// until ACKed and re-sent after every reconnect, to whichever coordinator listens then. When no
/// message arrived for heartbeat_interval × liveness, the worker reconnects with a doubling
/// back-off (1 s … 32 s); after `silenceTimeout` seconds of silence it exits.
public final class Worker {
    public let options: WorkerOptions
    private let runner: any TaskRunner
    private let log: @Sendable (String) -> Void

    /// Why `run` returned.
    public enum Exit: Equatable, Sendable {
        /// The coordinator said the sweep is finished.
        case finished
        /// Stopped by a signal or by the coordinator; the current task, if any, was given back.
        case stopped
        /// No coordinator was heard for `silenceTimeout` seconds.
        case coordinatorSilent
        /// Local mode: the sweep that started this worker is gone and every result was handed in.
        case orphaned
    }

    /// Poll timeout of the network loop, in ms.
    static let pollMilliseconds = 25
    /// Socket linger on close, in ms, so the last RESULT, RETURN or DISCONNECT leaves.
    static let lingerMilliseconds: Int32 = 2_000

    public init(options: WorkerOptions, runner: any TaskRunner, log: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.runner = runner
        self.log = log
    }

    private struct Running {
        let task: CoordinatorMessage.TaskAssignment
        let mailbox: ComputeMailbox
    }

    /// Connects and serves tasks until the sweep is finished, `stopRequested` returns true,
    /// the coordinator stays silent for `silenceTimeout`, or (local mode) the worker is orphaned.
    public func run(stopRequested: () -> Bool) throws(ZMQError) -> Exit {
        let context = try ZMQContext()
        var socket = try connect(context)
        defer { socket.close() }
        var heartbeatInterval = SweepDefaults.heartbeatInterval
        var liveness = SweepDefaults.liveness
        var lastHeard = Self.now()
        var lastSent = -Double.infinity
        var reconnectAt = -Double.infinity
        var backoff = Double(ProtocolConstants.reconnectBackoffInitial) / 1000
        var held: [WorkerMessage.TaskResult] = []
        var running: Running?
        var awaitingReply = false
        var nextReadyAt = -Double.infinity
        var stopping = false
        var stopReason = "SIGTERM"
        var exit: Exit?

        func send(_ message: WorkerMessage) {
            do {
                if try !socket.trySend(WorkerMessage.encode(message)) {
                    log("could not queue \(message.command.rawValue): the connection's queue is full")
                }
                lastSent = Self.now()
            } catch {
                log("could not send \(message.command.rawValue): \(error.description)")
            }
        }
        func ready() {
            send(
                .ready(
                    .init(
                        worker: options.name, host: ProcessInfo.processInfo.hostName, pid: Int(getpid()),
                        threads: options.threads, heldResults: held.prefix(ProtocolConstants.maxHeldResults).map(\.taskKey))))
            awaitingReply = true
        }

        while true {
            if !stopping && stopRequested() {
                stopping = true
                running?.mailbox.requestStop()
            }
            // Finished compute: hand the outcome in.
            if let current = running, let outcome = current.mailbox.outcome {
                running = nil
                let task = current.task
                switch outcome {
                case .result(let summary, let files, let resumed):
                    let result = WorkerMessage.TaskResult(
                        leaseID: task.leaseID, taskKey: task.taskKey,
                        attempt: task.attempt, summary: summary, files: files,
                        resumedFromCheckpoint: resumed)
                    let size = WorkerMessage.encode(.result(result))[2].count
                    if size > ProtocolConstants.maxFrameBytes {
                        send(
                            .fail(
                                .init(
                                    leaseID: task.leaseID, taskKey: task.taskKey,
                                    error: "result of \(size) bytes exceeds the \(ProtocolConstants.maxFrameBytes)-byte frame limit")))
                    } else {
                        held.append(result)
                        send(.result(result))
                        log("task \(Self.name(task)) done")
                    }
                case .stopped:
                    send(.return(.init(leaseID: task.leaseID, taskKey: task.taskKey, reason: stopReason)))
                    log("task \(Self.name(task)) stopped and given back (\(stopReason))")
                case .failed(let error):
                    send(.fail(.init(leaseID: task.leaseID, taskKey: task.taskKey, error: error)))
                    log("task \(Self.name(task)) failed: \(error)")
                }
            }
            if let exit, running == nil {
                send(.disconnect)
                return exit
            }
            if stopping && running == nil { exit = .stopped; continue }
            let orphaned = options.parentPID.map { getppid() != $0 } ?? false
            if orphaned && running == nil && held.isEmpty { exit = .orphaned; continue }

            // Messages from the coordinator.
            var poller = ZMQPoller()
            _ = poller.register(socket)
            do {
                _ = try poller.poll(timeoutMilliseconds: Self.pollMilliseconds)
            } catch  where error.kind == .interrupted {
                continue
            }
            while let frames = try socket.tryReceive() {
                lastHeard = Self.now()
                backoff = Double(ProtocolConstants.reconnectBackoffInitial) / 1000
                let message: CoordinatorMessage
                do {
                    message = try CoordinatorMessage.decode(frames: frames)
                } catch {
                    log("coordinator: \(error.description)")
                    continue
                }
                switch message {
                case .welcome(let welcome):
                    heartbeatInterval = welcome.heartbeatInterval
                    liveness = welcome.liveness
                case .task(let task):
                    awaitingReply = false
                    if running != nil || stopping || orphaned {
                        send(
                            .return(
                                .init(
                                    leaseID: task.leaseID, taskKey: task.taskKey,
                                    reason: running != nil ? "worker busy" : "worker stopping")))
                    } else {
                        log("task \(Self.name(task)) attempt \(task.attempt)")
                        running = Running(task: task, mailbox: start(task))
                    }
                case .noTask(let retryAfter):
                    awaitingReply = false
                    nextReadyAt = Self.now() + retryAfter
                case .ack(let key):
                    held.removeAll { $0.taskKey == key }
                case .heartbeat:
                    break
                case .shutdown(let reason):
                    log("coordinator: shutdown (\(reason.rawValue))")
                    stopReason = "coordinator stopping"
                    stopping = true
                    running?.mailbox.requestStop()
                    if reason == .finished { exit = .finished }
                }
            }

            let after = Self.now()
            if running == nil && !awaitingReply && !stopping && !orphaned && after >= nextReadyAt { ready() }
            if after - lastSent >= heartbeatInterval { send(.heartbeat(running?.mailbox.progress)) }
            let silence = after - lastHeard
            if silence > options.silenceTimeout {
                log("no coordinator for \(Int(silence)) s: exiting")
                running?.mailbox.requestStop()
                stopping = true
                stopReason = "coordinator silent"
                if exit == nil { exit = .coordinatorSilent }
            } else if silence > heartbeatInterval * Double(liveness) && after >= reconnectAt {
                // Paranoid pirate: a fresh socket, then everything the coordinator may have lost.
                log("coordinator silent for \(String(format: "%.1f", silence)) s: reconnecting (next try in \(backoff) s)")
                // Linger 0: a READY queued on the abandoned socket must not leave once the link is
                // back, or the coordinator leases a task to a socket nobody reads.
                try? socket.set(.linger(milliseconds: 0))
                socket.close()
                socket = try connect(context)
                reconnectAt = after + backoff
                backoff = min(backoff * 2, Double(ProtocolConstants.reconnectBackoffMax) / 1000)
                if running != nil { send(.heartbeat(running?.mailbox.progress)) } else if !orphaned && !stopping { ready() }
                for result in held { send(.result(result)) }
            }
        }
    }

    private func connect(_ context: ZMQContext) throws(ZMQError) -> ZMQSocket {
        let socket = try ZMQSocket(.dealer, context: context)
        try socket.set(.linger(milliseconds: Self.lingerMilliseconds))
        if let curve = options.curve {
            try socket.enableCurveClient(serverKey: curve.serverKey, keyPair: curve.keyPair)
        }
        try socket.connect(options.endpoint)
        return socket
    }

    /// Starts `task` on a new compute thread; its progress and outcome arrive in the mailbox.
    private func start(_ task: CoordinatorMessage.TaskAssignment) -> ComputeMailbox {
        let mailbox = ComputeMailbox()
        let runner = runner
        let thread = Thread {
            let outcome = runner.run(
                task, progress: { mailbox.post(progress: $0) },
                shouldStop: { mailbox.stopRequested })
            mailbox.post(outcome: outcome)
        }
        thread.name = "compute \(task.taskKey.prefix(8))"
        thread.stackSize = 16 << 20
        thread.start()
        return mailbox
    }

    private static func now() -> Double { Date().timeIntervalSince1970 }

    /// A task as the log names it: its grid values from the TASK's label and its key's first
    /// digits (the key's first 16 digits alone when the coordinator sent no label).
    static func name(_ task: CoordinatorMessage.TaskAssignment) -> String {
        guard let label = task.label, !label.isEmpty else { return String(task.taskKey.prefix(16)) }
        return "\(label) (\(task.taskKey.prefix(8)))"
    }
}
