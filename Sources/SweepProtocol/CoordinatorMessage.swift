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

    public struct Welcome: Codable, Equatable, Sendable {
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

        enum CodingKeys: String, CodingKey {
            case heartbeatInterval = "heartbeat_interval", liveness, checkpointEvery = "checkpoint_every"
        }
    }

    public struct TaskAssignment: Codable, Equatable, Sendable {
        /// The lease token: 32 lowercase hex digits (128 random bits) that only the worker given
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

        enum CodingKeys: String, CodingKey {
            case leaseID = "lease_id", taskKey = "task_key", attempt, config, checkpointEvery = "checkpoint_every", label
        }
    }

    /// Why the coordinator tells a worker to exit.
    public enum ShutdownReason: String, Codable, Equatable, Sendable {
        /// Every task is done or failed.
        case finished
        /// The coordinator is stopping (signal, user request).
        case stopping
    }

    struct NoTaskBody: Codable {
        var retryAfter: Double
        enum CodingKeys: String, CodingKey { case retryAfter = "retry_after" }
    }

    struct AckBody: Codable {
        var taskKey: String
        enum CodingKeys: String, CodingKey { case taskKey = "task_key" }
    }

    struct ShutdownBody: Codable {
        var reason: ShutdownReason
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
        let command = message.command.rawValue
        return switch message {
        case .welcome(let body): MessageFraming.frames(command: command, body: body)
        case .task(let body): MessageFraming.frames(command: command, body: body)
        case .noTask(let retryAfter): MessageFraming.frames(command: command, body: NoTaskBody(retryAfter: retryAfter))
        case .ack(let taskKey): MessageFraming.frames(command: command, body: AckBody(taskKey: taskKey))
        case .heartbeat: MessageFraming.frames(command: command, body: MessageFraming.EmptyBody())
        case .shutdown(let reason): MessageFraming.frames(command: command, body: ShutdownBody(reason: reason))
        }
    }

    /// Parses and validates the frames of a message (a DEALER receives no routing id).
    public static func decode(frames: [Data]) throws(ProtocolError) -> CoordinatorMessage {
        let (parsed, json) = try MessageFraming.split(frames, as: Command.self)
        let command = parsed.rawValue
        let rules = FieldRules(command: command)
        switch parsed {
        case .welcome:
            let body = try MessageFraming.body(Welcome.self, command: command, from: json)
            try rules.positive(body.heartbeatInterval, "heartbeat_interval")
            try rules.atLeast(body.liveness, 1, "liveness")
            try rules.positive(body.checkpointEvery, "checkpoint_every")
            return .welcome(body)
        case .task:
            let body = try MessageFraming.body(TaskAssignment.self, command: command, from: json)
            try rules.leaseToken(body.leaseID, "lease_id")
            try rules.taskKey(body.taskKey, "task_key")
            try rules.atLeast(body.attempt, 1, "attempt")
            try rules.jsonObject(body.config, "config")
            try rules.positive(body.checkpointEvery, "checkpoint_every")
            if let label = body.label { try rules.atMost(bytes: label, ProtocolConstants.maxLabelBytes, "label") }
            return .task(body)
        case .noTask:
            let body = try MessageFraming.body(NoTaskBody.self, command: command, from: json)
            try rules.nonNegative(body.retryAfter, "retry_after")
            return .noTask(retryAfter: body.retryAfter)
        case .ack:
            let body = try MessageFraming.body(AckBody.self, command: command, from: json)
            try rules.taskKey(body.taskKey, "task_key")
            return .ack(taskKey: body.taskKey)
        case .heartbeat:
            _ = try MessageFraming.body(MessageFraming.EmptyBody.self, command: command, from: json)
            return .heartbeat
        case .shutdown:
            let body = try MessageFraming.body(ShutdownBody.self, command: command, from: json)
            return .shutdown(body.reason)
        }
    }
}
