import Configuration
import Foundation

/// A message from the coordinator (ROUTER) to one worker (DEALER).
///
/// JSON bodies (frame 2), with their snake_case keys:
/// - `WELCOME` `{"heartbeat_interval": s, "liveness", "checkpoint_every": s}` (the first reply to a worker)
/// - `TASK` `{"lease_id", "task_key", "attempt", "config": JSON text, "checkpoint_every": s, "label"?}`
/// - `NOTASK` `{"retry_after": s}`
/// - `ACK` `{"task_key"}`
/// - `HEARTBEAT` `{}`
/// - `SHUTDOWN` `{"reason": "finished" | "stopping"}`
public enum CoordinatorMessage: Equatable, Sendable {
    /// The coordinator's first reply: how often to heartbeat and when to give up on it.
    case welcome(Welcome)
    /// A lease on one task.
    case task(TaskAssignment)
    /// Nothing to hand out now; ask again after `retryAfter` seconds.
    case noTask(retryAfter: Double)
    /// The result of `taskKey` is recorded; the worker may forget it.
    case ack(taskKey: String)
    /// Liveness.
    case heartbeat
    /// The sweep is finished or stopping: the worker exits.
    case shutdown(ShutdownReason)

    public struct Welcome: Equatable, Sendable {
        /// Seconds between heartbeats in both directions, > 0.
        public var heartbeatInterval: Double
        /// Heartbeat intervals without traffic before the peer is taken for dead, ≥ 1.
        public var liveness: Int
        /// Seconds between task checkpoints, > 0.
        public var checkpointEvery: Double

        public init(heartbeatInterval: Double, liveness: Int, checkpointEvery: Double) {
            self.heartbeatInterval = heartbeatInterval
            self.liveness = liveness
            self.checkpointEvery = checkpointEvery
        }
    }

    public struct TaskAssignment: Equatable, Sendable {
        /// The lease token: 32 lowercase hex digits (76 random bits) that only the worker given
        /// this TASK learns; echoed in its HEARTBEAT, RESULT, FAIL and RETURN, and the proof that
        /// they come from the holder of the lease (`ProtocolConstants.leaseTokenHexDigits`).
        public var leaseID: String
        public var taskKey: String
        /// 1 for the first attempt, ≥ 1.
        public var attempt: Int
        /// The task's resolved run configuration (the `config.json` of its run directory), as JSON text of an object.
        public var config: String
        /// Seconds between checkpoints, > 0.
        public var checkpointEvery: Double
        /// How people name the task: its grid values, e.g. `train.lr=0.1 model.width=32`, for the
        /// worker's log; optional (absent from coordinators before it existed), at most
        /// `ProtocolConstants.maxLabelBytes` bytes.
        public var label: String?

        public init(
            leaseID: String, taskKey: String, attempt: Int, config: String, checkpointEvery: Double, label: String? = nil
        ) {
            self.leaseID = leaseID
            self.taskKey = taskKey
            self.attempt = attempt
            self.config = config
            self.checkpointEvery = checkpointEvery
            self.label = label
        }
    }

    /// Why the coordinator tells a worker to exit.
    public enum ShutdownReason: String, CaseIterable, Equatable, Sendable {
        /// Every task is done or failed.
        case finished
        /// The coordinator is stopping (signal, user request).
        case stopping
    }

    /// The command names of frame 1 that a worker accepts.
    public enum Command: String, CaseIterable, Sendable {
        case welcome = "WELCOME", task = "TASK", noTask = "NOTASK", ack = "ACK", heartbeat = "HEARTBEAT"
        case shutdown = "SHUTDOWN"
    }

    /// The command of frame 1.
    public var command: Command {
        switch self {
        case .welcome: .welcome
        case .task: .task
        case .noTask: .noTask
        case .ack: .ack
        case .heartbeat: .heartbeat
        case .shutdown: .shutdown
        }
    }

    /// The frames to send after the routing id: version, command, JSON body.
    public static func encode(_ message: CoordinatorMessage) -> [Data] {
        let body: [String: JSONValue] =
            switch message {
            case .welcome(let welcome):
                [
                    "heartbeat_interval": MessageFraming.number(welcome.heartbeatInterval), "liveness": .integer(welcome.liveness),
                    "checkpoint_every": MessageFraming.number(welcome.checkpointEvery),
                ]
            case .task(let task):
                [
                    "lease_id": .string(task.leaseID), "task_key": .string(task.taskKey), "attempt": .integer(task.attempt),
                    "config": .string(task.config), "checkpoint_every": MessageFraming.number(task.checkpointEvery),
                    "label": task.label.map(JSONValue.string),
                ].compactMapValues { $0 }
            case .noTask(let retryAfter): ["retry_after": MessageFraming.number(retryAfter)]
            case .ack(let taskKey): ["task_key": .string(taskKey)]
            case .heartbeat: [:]
            case .shutdown(let reason): ["reason": .string(reason.rawValue)]
            }
        return MessageFraming.frames(command: message.command.rawValue, body: body)
    }

    /// Parses and validates the frames of a message (a DEALER receives no routing id).
    public static func decode(frames: [Data]) throws(ProtocolError) -> CoordinatorMessage {
        let (parsed, json) = try MessageFraming.split(frames, as: Command.self)
        let command = parsed.rawValue
        let body = try MessageBody(json, command: command)
        let rules = FieldRules(command: command)
        switch parsed {
        case .welcome:
            let welcome = Welcome(
                heartbeatInterval: try body.number("heartbeat_interval"), liveness: try body.integer("liveness"),
                checkpointEvery: try body.number("checkpoint_every"))
            try rules.positive(welcome.heartbeatInterval, "heartbeat_interval")
            try rules.atLeast(welcome.liveness, 1, "liveness")
            try rules.positive(welcome.checkpointEvery, "checkpoint_every")
            return .welcome(welcome)
        case .task:
            let task = TaskAssignment(
                leaseID: try body.string("lease_id"), taskKey: try body.string("task_key"), attempt: try body.integer("attempt"),
                config: try body.string("config"), checkpointEvery: try body.number("checkpoint_every"),
                label: try body.optionalString("label"))
            try rules.leaseToken(task.leaseID, "lease_id")
            try rules.taskKey(task.taskKey, "task_key")
            try rules.atLeast(task.attempt, 1, "attempt")
            try rules.jsonObject(task.config, "config")
            try rules.positive(task.checkpointEvery, "checkpoint_every")
            if let label = task.label { try rules.atMost(bytes: label, ProtocolConstants.maxLabelBytes, "label") }
            return .task(task)
        case .noTask:
            let retryAfter = try body.number("retry_after")
            try rules.nonNegative(retryAfter, "retry_after")
            return .noTask(retryAfter: retryAfter)
        case .ack:
            let taskKey = try body.string("task_key")
            try rules.taskKey(taskKey, "task_key")
            return .ack(taskKey: taskKey)
        case .heartbeat:
            return .heartbeat
        case .shutdown:
            let reason = try body.string("reason")
            guard let known = ShutdownReason(rawValue: reason) else {
                let expected = ShutdownReason.allCases.map(\.rawValue).joined(separator: " or ")
                throw .malformedBody(
                    command: command, field: "reason",
                    reason: "is \"\(ProtocolError.printable(Data(reason.utf8)))\", expected \(expected)")
            }
            return .shutdown(known)
        }
    }
}
