import Configuration
import Foundation

/// A message from a worker (DEALER) to the coordinator (ROUTER).
///
/// Workers pull: READY → TASK → (HEARTBEAT with progress)* → RESULT | FAIL | RETURN → READY.
/// JSON bodies (frame 2), with their snake_case keys:
/// - `READY` `{"worker", "host", "pid", "threads", "held_results": [task key], "session", "connection"}`
///   (`session` and `connection` optional: older workers send neither)
/// - `HEARTBEAT` `{"progress": {"task_key", "lease_id", "step", "total_steps", "phase", "loss"?,
///   "sharpness"?}}`, or `{}` when idle
/// - `RESULT` `{"lease_id", "task_key", "attempt", "summary": JSON text, "files": {name: CSV text},
///   "resumed_from_checkpoint"}`
/// - `FAIL` `{"lease_id", "task_key", "error"}`
/// - `RETURN` `{"lease_id", "task_key", "reason"}`
/// - `DISCONNECT` `{}`
public enum WorkerMessage: Equatable, Sendable {
    /// The worker is idle and asks for a task; it also lists finished results it still holds
    /// (e.g. after its coordinator restarted), which the coordinator may ask for by not ACKing.
    case ready(Ready)
    /// Liveness, with the progress of the current lease when there is one.
    case heartbeat(Progress?)
    /// A finished task (completed or diverged: a diverged run is a result, not a failure).
    case result(TaskResult)
    /// The task failed with an error; counts as an attempt.
    case fail(TaskFailure)
    /// The worker gives a lease back (SIGTERM, preemption, requeue); does not count as an attempt.
    case `return`(TaskReturn)
    /// The worker is leaving.
    case disconnect

    public struct Ready: Equatable, Sendable {
        /// The worker's name (unique per process, e.g. host-pid), not empty.
        public var worker: String
        /// Host name, not empty.
        public var host: String
        /// Process id, ≥ 1.
        public var pid: Int
        /// Compute threads, ≥ 1.
        public var threads: Int
        /// Task keys of finished results the worker holds and has not had ACKed.
        public var heldResults: [String]
        /// The worker process's session token (``ProtocolConstants/sessionTokenHexDigits`` lowercase
        /// hex digits, 128 random bits), the same on every connection of the process; nil from a
        /// worker that sends none. It lets the coordinator see that two connections are one worker:
        /// a TASK that went to a connection the worker has abandoned is handed to its newer one.
        public var session: String?
        /// Which connection of the session this is, ≥ 0: 0 for the first socket, one more for
        /// every reconnect. A READY from a lower number than one already heard comes from a socket
        /// the worker has abandoned (it was delayed on the way) and gets no task.
        public var connection: Int?

        public init(
            worker: String, host: String, pid: Int, threads: Int, heldResults: [String], session: String? = nil,
            connection: Int? = nil
        ) {
            self.worker = worker
            self.host = host
            self.pid = pid
            self.threads = threads
            self.heldResults = heldResults
            self.session = session
            self.connection = connection
        }
    }

    /// Where the worker is in its current lease.
    public struct Progress: Equatable, Sendable {
        public var taskKey: String
        /// The lease token of the TASK (32 lowercase hex digits).
        public var leaseID: String
        /// GD steps done, ≥ 0.
        public var step: Int
        /// GD steps planned, ≥ 0.
        public var totalSteps: Int
        /// What the run is doing, e.g. `gd`, `find-instability` or `track`; not empty, at most
        /// `ProtocolConstants.maxPhaseBytes` bytes.
        public var phase: String
        /// The training loss of the latest trace row, when finite; absent from workers before it
        /// existed (an optional field: the protocol version is unchanged).
        public var loss: Double?
        /// The latest measured sharpness, when there is one and it is finite; optional like `loss`.
        public var sharpness: Double?

        public init(
            taskKey: String, leaseID: String, step: Int, totalSteps: Int, phase: String, loss: Double? = nil,
            sharpness: Double? = nil
        ) {
            self.taskKey = taskKey
            self.leaseID = leaseID
            self.step = step
            self.totalSteps = totalSteps
            self.phase = phase
            self.loss = loss.flatMap { $0.isFinite ? $0 : nil }
            self.sharpness = sharpness.flatMap { $0.isFinite ? $0 : nil }
        }
    }

    public struct TaskResult: Equatable, Sendable {
        public var leaseID: String
        public var taskKey: String
        /// The attempt this result belongs to, ≥ 1.
        public var attempt: Int
        /// The run's `summary.json`, as JSON text of an object.
        public var summary: String
        /// The run directory's CSV files: plain file name (`trace.csv`, …) → its text.
        public var files: [String: String]
        /// Whether the run continued from a checkpoint of an earlier attempt.
        public var resumedFromCheckpoint: Bool

        public init(
            leaseID: String, taskKey: String, attempt: Int, summary: String, files: [String: String],
            resumedFromCheckpoint: Bool
        ) {
            self.leaseID = leaseID
            self.taskKey = taskKey
            self.attempt = attempt
            self.summary = summary
            self.files = files
            self.resumedFromCheckpoint = resumedFromCheckpoint
        }
    }

    public struct TaskFailure: Equatable, Sendable {
        public var leaseID: String
        public var taskKey: String
        /// The error's one-line description, not empty.
        public var error: String

        public init(leaseID: String, taskKey: String, error: String) {
            self.leaseID = leaseID
            self.taskKey = taskKey
            self.error = error
        }
    }

    public struct TaskReturn: Equatable, Sendable {
        public var leaseID: String
        public var taskKey: String
        /// Why, e.g. `SIGTERM`; not empty.
        public var reason: String

        public init(leaseID: String, taskKey: String, reason: String) {
            self.leaseID = leaseID
            self.taskKey = taskKey
            self.reason = reason
        }
    }

    /// The command names of frame 1 that a coordinator accepts.
    public enum Command: String, CaseIterable, Sendable {
        case ready = "READY", heartbeat = "HEARTBEAT", result = "RESULT", fail = "FAIL", `return` = "RETURN"
        case disconnect = "DISCONNECT"
    }

    /// The command of frame 1.
    public var command: Command {
        switch self {
        case .ready: .ready
        case .heartbeat: .heartbeat
        case .result: .result
        case .fail: .fail
        case .return: .return
        case .disconnect: .disconnect
        }
    }

    /// The frames to send after the routing id: version, command, JSON body. The receiver drops a
    /// frame over `ProtocolConstants.maxFrameBytes`, so a worker checks `frames[2].count` of a large
    /// RESULT and reports a FAIL instead.
    public static func encode(_ message: WorkerMessage) -> [Data] {
        let body: [String: JSONValue] =
            switch message {
            case .ready(let ready):
                [
                    "worker": .string(ready.worker), "host": .string(ready.host), "pid": .integer(ready.pid),
                    "threads": .integer(ready.threads), "held_results": .array(ready.heldResults.map(JSONValue.string)),
                    "session": ready.session.map(JSONValue.string), "connection": ready.connection.map(JSONValue.integer),
                ].compactMapValues { $0 }
            case .heartbeat(let progress): progress.map { ["progress": .object(fields(of: $0))] } ?? [:]
            case .result(let result):
                [
                    "lease_id": .string(result.leaseID), "task_key": .string(result.taskKey), "attempt": .integer(result.attempt),
                    "summary": .string(result.summary), "files": .object(result.files.mapValues(JSONValue.string)),
                    "resumed_from_checkpoint": .bool(result.resumedFromCheckpoint),
                ]
            case .fail(let failure):
                ["lease_id": .string(failure.leaseID), "task_key": .string(failure.taskKey), "error": .string(failure.error)]
            case .return(let handBack):
                ["lease_id": .string(handBack.leaseID), "task_key": .string(handBack.taskKey), "reason": .string(handBack.reason)]
            case .disconnect: [:]
            }
        return MessageFraming.frames(command: message.command.rawValue, body: body)
    }

    private static func fields(of progress: Progress) -> [String: JSONValue] {
        [
            "task_key": .string(progress.taskKey), "lease_id": .string(progress.leaseID), "step": .integer(progress.step),
            "total_steps": .integer(progress.totalSteps), "phase": .string(progress.phase),
            "loss": progress.loss.map(MessageFraming.number), "sharpness": progress.sharpness.map(MessageFraming.number),
        ].compactMapValues { $0 }
    }

    /// Parses and validates the frames after the routing id.
    public static func decode(frames: [Data]) throws(ProtocolError) -> WorkerMessage {
        let (parsed, json) = try MessageFraming.split(frames, as: Command.self)
        let command = parsed.rawValue
        let body = try MessageBody(json, command: command)
        let rules = FieldRules(command: command)
        switch parsed {
        case .ready:
            let ready = Ready(
                worker: try body.string("worker"), host: try body.string("host"), pid: try body.integer("pid"),
                threads: try body.integer("threads"), heldResults: try body.strings("held_results"),
                session: try body.optionalString("session"), connection: try body.optionalInteger("connection"))
            try rules.nonEmpty(ready.worker, "worker")
            try rules.nonEmpty(ready.host, "host")
            try rules.atLeast(ready.pid, 1, "pid")
            try rules.atLeast(ready.threads, 1, "threads")
            try rules.atMost(count: ready.heldResults.count, ProtocolConstants.maxHeldResults, "held_results")
            for (index, key) in ready.heldResults.enumerated() { try rules.taskKey(key, "held_results[\(index)]") }
            if let session = ready.session { try rules.sessionToken(session, "session") }
            if let connection = ready.connection { try rules.atLeast(connection, 0, "connection") }
            return .ready(ready)
        case .heartbeat:
            guard let fields = try body.optionalObject("progress") else { return .heartbeat(nil) }
            let progress = Progress(
                taskKey: try fields.string("task_key"), leaseID: try fields.string("lease_id"), step: try fields.integer("step"),
                totalSteps: try fields.integer("total_steps"), phase: try fields.string("phase"),
                loss: try fields.optionalNumber("loss"), sharpness: try fields.optionalNumber("sharpness"))
            try rules.taskKey(progress.taskKey, "progress.task_key")
            try rules.leaseToken(progress.leaseID, "progress.lease_id")
            try rules.atLeast(progress.step, 0, "progress.step")
            try rules.atLeast(progress.totalSteps, 0, "progress.total_steps")
            try rules.nonEmpty(progress.phase, "progress.phase")
            try rules.atMost(bytes: progress.phase, ProtocolConstants.maxPhaseBytes, "progress.phase")
            return .heartbeat(progress)
        case .result:
            let result = TaskResult(
                leaseID: try body.string("lease_id"), taskKey: try body.string("task_key"), attempt: try body.integer("attempt"),
                summary: try body.string("summary"), files: try body.stringsByName("files"),
                resumedFromCheckpoint: try body.bool("resumed_from_checkpoint"))
            try rules.leaseToken(result.leaseID, "lease_id")
            try rules.taskKey(result.taskKey, "task_key")
            try rules.atLeast(result.attempt, 1, "attempt")
            try rules.jsonObject(result.summary, "summary")
            try rules.atMost(count: result.files.count, ProtocolConstants.maxResultFiles, "files")
            for name in result.files.keys.sorted() { try rules.fileName(name, "files") }
            return .result(result)
        case .fail:
            let failure = TaskFailure(
                leaseID: try body.string("lease_id"), taskKey: try body.string("task_key"), error: try body.string("error"))
            try rules.leaseToken(failure.leaseID, "lease_id")
            try rules.taskKey(failure.taskKey, "task_key")
            try rules.nonEmpty(failure.error, "error")
            return .fail(failure)
        case .return:
            let handBack = TaskReturn(
                leaseID: try body.string("lease_id"), taskKey: try body.string("task_key"), reason: try body.string("reason"))
            try rules.leaseToken(handBack.leaseID, "lease_id")
            try rules.taskKey(handBack.taskKey, "task_key")
            try rules.nonEmpty(handBack.reason, "reason")
            return .return(handBack)
        case .disconnect:
            return .disconnect
        }
    }
}
