import Foundation
import SweepProtocol

/// The worker without sockets or threads, the mirror of `CoordinatorStateMachine`: decoded
/// coordinator messages, the compute thread's progress and outcome, stop requests and clock ticks
/// in; actions out (send, start task, stop task, reconnect, exit, log). Times are seconds of any
/// monotonic clock, passed in, so every path is tested with a fake clock; the socket loop that
/// drives it (`Worker`) only carries the actions out.
///
/// Rules (docs/ARCHITECTURE.md §4, zguide's paranoid pirate):
/// - idle and not stopping, it sends READY (with its session token and connection number, and the
///   keys of the results it holds) and waits for TASK, NOTASK (then READY again after
///   `retry_after`) or SHUTDOWN; a READY unanswered for a lease duration is sent again;
/// - a TASK starts the task; a TASK of the lease it already runs is ignored; any other TASK while
///   busy, stopping or orphaned is RETURNed;
/// - while a task runs, HEARTBEAT carries the latest progress the compute side handed in, passed
///   through as it is (before the first one: the lease and phase `starting`);
/// - a finished task's RESULT is held until ACKed and sent again after every reconnect; a RESULT
///   over the frame limit becomes a FAIL; a stopped task is RETURNed, a failed one FAILed;
/// - it heartbeats whenever it sent nothing for a heartbeat interval;
/// - silence of the coordinator for heartbeat_interval × liveness: reconnect (a new socket, a
///   higher connection number), at most once per back-off, which doubles from
///   ``ProtocolConstants/reconnectBackoffInitial`` to ``ProtocolConstants/reconnectBackoffMax``
///   and resets on any message; on the new socket READY (or the running task's HEARTBEAT) and
///   every held RESULT. Silence for `silenceTimeout`: the task is stopped and the worker exits;
/// - a stop request (SIGTERM) or SHUTDOWN stops the task, which is RETURNed, then the worker says
///   DISCONNECT and exits; orphaned (its local sweep is gone), it takes no new task and exits once
///   nothing runs and every result was ACKed.
public struct WorkerStateMachine: Sendable {
    public let identity: WorkerIdentity
    /// Seconds of coordinator silence after which the worker exits.
    public let silenceTimeout: Double
    /// From WELCOME; until then the `[sweep]` defaults.
    public private(set) var heartbeatInterval: Double
    public private(set) var liveness: Int
    /// Reconnects so far: the number of the current connection, sent in READY.
    public private(set) var connection = 0
    /// The task running on the compute thread.
    public private(set) var running: CoordinatorMessage.TaskAssignment?
    /// Finished results not yet ACKed, oldest first.
    public private(set) var held: [WorkerMessage.TaskResult] = []
    /// Set once the worker has exited; every input after that yields no action.
    public private(set) var exited: WorkerExit?

    private var progress: WorkerMessage.Progress?
    private var lastHeard: Double
    private var lastSent = -Double.infinity
    private var reconnectAt = -Double.infinity
    private var backoff = ProtocolConstants.reconnectBackoffInitial
    /// When the unanswered READY was sent; nil when none is outstanding.
    private var readySentAt: Double?
    private var nextReadyAt = -Double.infinity
    /// How the worker will exit once no task runs; nil while it serves.
    private var ending: WorkerExit?
    /// The RETURN reason of a task stopped because the worker is ending.
    private var stopReason = "stopped"
    private var orphaned = false

    /// A worker that has not spoken yet: its first tick sends READY. `now` starts the silence clock.
    public init(
        identity: WorkerIdentity, silenceTimeout: Double, now: Double,
        heartbeatInterval: Double = 1, liveness: Int = 3
    ) {
        self.identity = identity
        self.silenceTimeout = silenceTimeout
        self.heartbeatInterval = heartbeatInterval
        self.liveness = liveness
        self.lastHeard = now
    }

    /// Seconds of silence after which the worker reconnects: heartbeat_interval × liveness.
    public var leaseDuration: Double { heartbeatInterval * Double(liveness) }

    /// The current back-off between reconnects, in seconds.
    public var reconnectBackoff: Double { backoff }

    // MARK: - Inputs

    /// One message from the coordinator.
    public mutating func receive(_ message: CoordinatorMessage, now: Double) -> [WorkerAction] {
        guard exited == nil else { return [] }
        heard(now)
        var actions: [WorkerAction] = []
        switch message {
        case .welcome(let welcome):
            heartbeatInterval = welcome.heartbeatInterval
            liveness = welcome.liveness
        case .task(let task):
            readySentAt = nil
            actions += accept(task, now: now)
        case .noTask(let retryAfter):
            readySentAt = nil
            nextReadyAt = now + retryAfter
        case .ack(let key):
            held.removeAll { $0.taskKey == key }
        case .heartbeat:
            break
        case .shutdown(let reason):
            actions.append(.log("coordinator: shutdown (\(reason.rawValue))"))
            stopReason = "coordinator stopping"
            if reason == .finished || ending == nil { ending = reason == .finished ? .finished : .stopped }
            if running != nil { actions.append(.stopTask) }
        }
        return actions + settle(now: now)
    }

    /// Frames that did not decode: the coordinator is still there (it counts as heard), the
    /// message is dropped with one log line.
    public mutating func receiveMalformed(_ error: ProtocolError, now: Double) -> [WorkerAction] {
        guard exited == nil else { return [] }
        heard(now)
        return [.log("coordinator: \(error.description)")]
    }

    /// Decodes `frames` and handles the message, or logs why it does not decode.
    public mutating func receive(frames: [Data], now: Double) -> [WorkerAction] {
        do {
            return receive(try CoordinatorMessage.decode(frames: frames), now: now)
        } catch {
            return receiveMalformed(error, now: now)
        }
    }

    /// The running task's latest progress, attached as it is to the heartbeats that follow.
    public mutating func computeProgressed(_ progress: WorkerMessage.Progress) {
        guard running != nil else { return }
        self.progress = progress
    }

    /// The running task ended on the compute thread.
    public mutating func computeFinished(_ outcome: TaskOutcome, now: Double) -> [WorkerAction] {
        guard exited == nil, let task = running else { return [] }
        running = nil
        progress = nil
        var actions: [WorkerAction] = []
        let short = Self.name(task)
        switch outcome {
        case .result(let summary, let files, let resumed):
            let result = WorkerMessage.TaskResult(
                leaseID: task.leaseID, taskKey: task.taskKey, attempt: task.attempt, summary: summary, files: files,
                resumedFromCheckpoint: resumed)
            let size = WorkerMessage.encode(.result(result))[2].count
            if size > ProtocolConstants.maxFrameBytes {
                let error = "result of \(size) bytes exceeds the \(ProtocolConstants.maxFrameBytes)-byte frame limit"
                actions += send(.fail(.init(leaseID: task.leaseID, taskKey: task.taskKey, error: error)), now: now)
                actions.append(.log("task \(short) failed: \(error)"))
            } else {
                held.append(result)
                actions += send(.result(result), now: now)
                actions.append(.log("task \(short) done"))
            }
        case .stopped:
            actions += send(.return(.init(leaseID: task.leaseID, taskKey: task.taskKey, reason: stopReason)), now: now)
            actions.append(.log("task \(short) stopped and given back (\(stopReason))"))
        case .failed(let error):
            actions += send(.fail(.init(leaseID: task.leaseID, taskKey: task.taskKey, error: error)), now: now)
            actions.append(.log("task \(short) failed: \(error)"))
        }
        return actions + settle(now: now)
    }

    /// A stop request (SIGTERM, `reason` in the RETURN): the running task is stopped and given
    /// back, then the worker exits. Repeated requests do nothing more.
    public mutating func requestStop(reason: String, now: Double) -> [WorkerAction] {
        guard exited == nil, ending == nil else { return [] }
        ending = .stopped
        stopReason = reason
        return (running != nil ? [.stopTask] : []) + settle(now: now)
    }

    /// Local mode: the sweep that started this worker is gone. It takes no new task and exits
    /// once nothing runs and every held result was ACKed (or the coordinator stays silent).
    public mutating func parentGone(now: Double) -> [WorkerAction] {
        guard exited == nil, !orphaned else { return [] }
        orphaned = true
        return settle(now: now)
    }

    /// The clock: READY when idle, heartbeats, reconnects and the silence timeout.
    public mutating func tick(now: Double) -> [WorkerAction] {
        guard exited == nil else { return [] }
        var actions: [WorkerAction] = []
        let silence = now - lastHeard
        if silence > silenceTimeout {
            if ending == nil {
                actions.append(.log("no coordinator for \(Int(silence)) s: exiting"))
                ending = .coordinatorSilent
                stopReason = "coordinator silent"
                if running != nil { actions.append(.stopTask) }
            }
        } else if silence > leaseDuration && now >= reconnectAt {
            actions += reconnect(silence: silence, now: now)
        }
        if let readySentAt, now - readySentAt > leaseDuration { self.readySentAt = nil }
        if wantsTask && readySentAt == nil && now >= nextReadyAt { actions += ready(now: now) }
        if now - lastSent >= heartbeatInterval { actions += send(.heartbeat(heartbeatProgress), now: now) }
        return actions + settle(now: now)
    }

    // MARK: - Rules

    /// Idle, not ending, not orphaned: it asks for work.
    private var wantsTask: Bool { running == nil && ending == nil && !orphaned }

    /// The progress a heartbeat carries: the compute side's latest, or the bare lease before the first.
    private var heartbeatProgress: WorkerMessage.Progress? {
        guard let running else { return nil }
        return progress
            ?? WorkerMessage.Progress(
                taskKey: running.taskKey, leaseID: running.leaseID, step: 0, totalSteps: 0, phase: "starting")
    }

    private mutating func heard(_ now: Double) {
        lastHeard = now
        backoff = ProtocolConstants.reconnectBackoffInitial
        reconnectAt = -.infinity
    }

    private mutating func send(_ message: WorkerMessage, now: Double) -> [WorkerAction] {
        lastSent = now
        return [.send(message)]
    }

    private mutating func ready(now: Double) -> [WorkerAction] {
        readySentAt = now
        return send(
            .ready(
                .init(
                    worker: identity.name, host: identity.host, pid: identity.pid, threads: identity.threads,
                    heldResults: held.prefix(ProtocolConstants.maxHeldResults).map(\.taskKey), session: identity.session,
                    connection: connection)), now: now)
    }

    private mutating func accept(_ task: CoordinatorMessage.TaskAssignment, now: Double) -> [WorkerAction] {
        if running?.leaseID == task.leaseID { return [] }  // the same TASK again: already running
        if running != nil || ending != nil || orphaned {
            let reason = running != nil ? "worker busy" : "worker stopping"
            return send(.return(.init(leaseID: task.leaseID, taskKey: task.taskKey, reason: reason)), now: now)
        }
        if let result = held.first(where: { $0.taskKey == task.taskKey }) {
            // Its result is here, un-ACKed (the RESULT was lost with a socket): give the new lease
            // back and hand the result in again instead of computing the task twice.
            return send(.return(.init(leaseID: task.leaseID, taskKey: task.taskKey, reason: "result already held")), now: now)
                + send(.result(result), now: now)
        }
        running = task
        progress = nil
        return [.log("task \(Self.name(task)) attempt \(task.attempt)"), .startTask(task)]
    }

    /// A fresh socket, then everything the coordinator may have lost with the old one.
    private mutating func reconnect(silence: Double, now: Double) -> [WorkerAction] {
        var actions: [WorkerAction] = [
            .log(
                "coordinator silent for \((silence * 10).rounded() / 10) s: reconnecting (next try in \(backoff) s)"),
            .reconnect,
        ]
        connection += 1
        reconnectAt = now + backoff
        backoff = min(backoff * 2, ProtocolConstants.reconnectBackoffMax)
        readySentAt = nil
        if running != nil {
            actions += send(.heartbeat(heartbeatProgress), now: now)
        } else if wantsTask {
            actions += ready(now: now)
        }
        for result in held { actions += send(.result(result), now: now) }
        return actions
    }

    /// Exits once the worker is ending (or orphaned with nothing held) and no task runs.
    private mutating func settle(now: Double) -> [WorkerAction] {
        guard exited == nil, running == nil else { return [] }
        let exit: WorkerExit
        if let ending {
            exit = ending
        } else if orphaned && held.isEmpty {
            exit = .orphaned
        } else {
            return []
        }
        exited = exit
        return send(.disconnect, now: now) + [.exit(exit)]
    }

    /// A task as the log names it: its grid values from the TASK's label and its key's first
    /// digits (the key's first 16 digits alone when the coordinator sent no label).
    static func name(_ task: CoordinatorMessage.TaskAssignment) -> String {
        guard let label = task.label, !label.isEmpty else { return String(task.taskKey.prefix(16)) }
        return "\(label) (\(task.taskKey.prefix(8)))"
    }
}
