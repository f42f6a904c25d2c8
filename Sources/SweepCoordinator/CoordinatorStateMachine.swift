import Foundation
import SweepJournal
import SweepProtocol

/// The coordinator without sockets: messages and clock ticks in, actions out (swift-nio's
/// `EmbeddedChannel` idea), so every protocol path is tested with a fake clock.
///
/// The journal is the only durable state: leases, attempts and results live there, so a new
/// machine on the same journal (a restarted coordinator) carries on where the old one stopped.
/// In memory it keeps the connected workers and every current lease (loaded from the journal when
/// the machine starts): its holder connection, if known, and its deadline. Deadlines live in
/// memory and reach the journal coarsely — at the grant and then at most once per lease
/// duration, always at or after the in-memory one — so a heartbeat costs no journal write
/// (docs/ARCHITECTURE.md §6). Times are unix seconds passed in.
///
/// Rules (docs/ARCHITECTURE.md §4):
/// - the first valid message of a routing id is answered by WELCOME first;
/// - READY → TASK (a new lease until now + heartbeat_interval × liveness), NOTASK, or SHUTDOWN
///   when the sweep is finished; held results already in the journal are ACKed (on the connection
///   that sent the RESULT, once: its READY follows the RESULT before the ACK arrives). A READY from a
///   connection that holds a lease is answered from memory with that lease's TASK again;
/// - READY carries the worker's session token and connection number: a READY from an older
///   connection of a session than one already heard is answered with no task (it comes from a
///   socket the worker abandoned), and a READY from a connection of a session that holds a lease
///   on another connection gets that lease's TASK, moved to this connection (the TASK went to a
///   socket the worker abandoned), unless it lists the task's result as held;
/// - a lease belongs to the connection it was handed to: its token (76 random bits) travels
///   only there. HEARTBEAT progress, FAIL and RETURN count only from that connection. A
///   connection that names the token takes the lease over only when no live connection holds
///   it: the holder has been silent for two heartbeat intervals (its worker reconnected), or a
///   previous coordinator on this journal handed it out (its worker reconnected to us);
/// - every valid message from a worker renews the leases it holds, in memory;
/// - a lease a previous coordinator granted lasts at least one lease duration after this machine
///   started, so its worker has the time to reconnect and name it;
/// - RESULT is recorded once by task key, only under a lease granted for that task and, while
///   that lease's holder is live, only from that holder; a late result of an earlier holder
///   is accepted. Recorded, late, duplicate and unknown-task results are ACKed, refused ones not;
/// - a message that does not parse is logged (and journaled) and its sender ignored for a while;
/// - complaints about peers are rate-limited (``ComplaintLimiter``); anonymous sessions and
///   ignored senders are capped (``Limits``), so hostile connections cost bounded memory;
/// - `tick` writes the deadlines that are due, expires overdue leases (an expired one counts an
///   attempt, up to max_attempts), forgets silent workers, heartbeats those it sent nothing for a
///   heartbeat interval (any message shows a worker that the coordinator is alive), and sends
///   SHUTDOWN once the sweep is finished.
public final class CoordinatorStateMachine {
    public let journal: SweepJournal
    public let settings: CoordinatorSettings
    private var sessions: [Data: WorkerSession] = [:]
    /// Routing ids of the sessions that have not introduced themselves with READY (so that capping
    /// them costs in proportion to their number, not to all sessions').
    private var anonymous: Set<Data> = []
    /// By worker session token (READY `session`): its newest connection and that connection's number.
    private var latestConnection: [String: (routingID: Data, number: Int)] = [:]
    /// Every current lease, by token.
    private var leases = LeaseTable()
    /// When this machine loaded the journal's current leases (its start); nil before.
    private var startedAt: Double?
    /// Routing ids that broke the protocol; their messages are dropped unread for a while.
    private var ignored = RecentSenders(capacity: Limits.ignoredSenders, lifetime: Limits.ignoreSeconds)
    private var complaints = ComplaintLimiter(burst: Limits.complaintBurst, window: Limits.complaintWindow)
    /// True once no task is queued or leased.
    public private(set) var isFinished = false
    /// Task labels (grid values) by key, read from the journal once per task.
    private var labels: [String: String] = [:]
    /// When the running tasks' progress was last written to the journal, and whether it changed since.
    private var progressWritten = -Double.infinity
    private var progressChanged = false
    /// Whether the last progress write stored any row (else there is nothing to clear: no write).
    private var progressStored = false

    /// Bounds on what peers can make the coordinator keep or write.
    public enum Limits {
        /// Sessions of peers that neither sent READY nor hold a lease; the oldest is forgotten beyond.
        public static let anonymousSessions = 256
        /// Senders of malformed messages remembered (and ignored) at once.
        public static let ignoredSenders = 1_024
        /// Seconds a sender of a malformed message is ignored.
        public static let ignoreSeconds = 60.0
        /// Seconds between writes of the running tasks' progress to the journal (one transaction
        /// each, only when it changed): `eos status` in another process sees it this late at most.
        public static let progressWriteSeconds = 5.0
        /// Complaints about peers logged and journaled one by one per window …
        public static let complaintBurst = 20
        /// … of this many seconds.
        public static let complaintWindow = 60.0
    }

    /// Journal event kinds of the coordinator itself.
    public enum EventKind {
        public static let workerJoined = JournalEvent.Kind(rawValue: "worker_joined")
        public static let workerLost = JournalEvent.Kind(rawValue: "worker_lost")
        public static let protocolError = JournalEvent.Kind(rawValue: "protocol_error")
        /// The summary line of complaints the rate limit kept out of the journal.
        public static let complaintsSuppressed = JournalEvent.Kind(rawValue: "complaints_suppressed")
    }

    public init(journal: SweepJournal, settings: CoordinatorSettings) {
        self.journal = journal
        self.settings = settings
    }

    /// Workers heard from within the lease duration.
    public var workerCount: Int { sessions.count }

    /// Senders of malformed messages currently ignored (bounded by ``Limits/ignoredSenders``).
    public var ignoredSenderCount: Int { ignored.count }

    /// The current leases with the latest progress of each, by label; the worker is `?` while no
    /// connection holds the lease.
    public var running: [RunningTask] {
        leases.all.map { lease in
            RunningTask(
                taskKey: lease.taskKey, label: lease.label, worker: holderName(lease), step: lease.step,
                totalSteps: lease.totalSteps, phase: lease.phase, loss: lease.loss, sharpness: lease.sharpness,
                stepsPerSecond: lease.stepsPerSecond)
        }.sorted { ($0.label, $0.taskKey) < ($1.label, $1.taskKey) }
    }

    /// The name of the worker holding `lease`, `?` when no connection holds it.
    private func holderName(_ lease: ActiveLease) -> String { lease.routingID.flatMap { sessions[$0]?.name } ?? "?" }

    /// The running tasks' progress as the journal stores it (`progress` table).
    private func progressRows(now: Double) -> [TaskProgress] {
        leases.all.filter { $0.lastReport != nil }.map { lease in
            TaskProgress(
                taskKey: lease.taskKey, leaseID: lease.leaseID, worker: holderName(lease),
                step: lease.step, totalSteps: lease.totalSteps, phase: lease.phase, loss: lease.loss,
                sharpness: lease.sharpness, stepsPerSecond: lease.stepsPerSecond, updated: lease.lastReport ?? now)
        }
    }

    /// How logs name task `key`: its grid values (``TaskName``), read from the journal once.
    func label(_ key: String) throws(JournalError) -> String {
        if let known = labels[key] { return known }
        guard let task = try journal.task(key: key) else { return String(key.prefix(16)) }
        let label = TaskName.label(key: key, gridJSON: task.gridJSON)
        labels[key] = label
        return label
    }

    /// The deadline this machine keeps for lease `token` (unix seconds), nil when it is not current.
    public func deadline(ofLease token: String) -> Double? { leases[token]?.expiresAt }

    /// Loads the journal's current leases once, at the first input: each lasts until its
    /// journal deadline, and at least one lease duration from now (a previous coordinator's
    /// worker needs that long to notice and reconnect).
    private func start(now: Double) throws(JournalError) {
        guard startedAt == nil else { return }
        for lease in try journal.currentLeases() {
            let label = TaskName.label(key: lease.taskKey, gridJSON: lease.gridJSON)
            labels[lease.taskKey] = label
            let assignment = CoordinatorMessage.TaskAssignment(
                leaseID: lease.leaseID, taskKey: lease.taskKey, attempt: lease.attempt, config: lease.configJSON,
                checkpointEvery: settings.checkpointEvery, label: TaskName.gridValues(lease.gridJSON))
            leases.insert(
                ActiveLease(
                    assignment: assignment, routingID: nil, label: label, session: lease.session,
                    expiresAt: max(lease.deadline, now + settings.leaseDuration), persistedDeadline: lease.deadline))
        }
        startedAt = now
    }

    /// Handles one message received on the ROUTER socket (`frames` without the routing id).
    public func receive(_ frames: [Data], from routingID: Data, now: Double) throws(JournalError) -> [CoordinatorAction] {
        try start(now: now)
        guard !ignored.contains(routingID, now: now) else { return [] }
        let message: WorkerMessage
        do {
            message = try WorkerMessage.decode(frames: frames)
        } catch {
            ignored.insert(routingID, now: now)
            let name = sessions[routingID]?.name ?? WorkerSession.anonymousName(routingID)
            forget(routingID)
            return try complain(
                EventKind.protocolError, worker: name,
                "\(name): \(error.description); ignoring this sender for \(Int(Limits.ignoreSeconds)) s", now: now)
        }
        var actions: [CoordinatorAction] = []
        if sessions[routingID] == nil {
            sessions[routingID] = WorkerSession(
                name: WorkerSession.anonymousName(routingID), since: now, lastHeard: now, lastSent: now)
            actions.append(
                .send(
                    to: routingID,
                    .welcome(
                        .init(
                            heartbeatInterval: settings.heartbeatInterval, liveness: settings.liveness,
                            checkpointEvery: settings.checkpointEvery))))
            anonymous.insert(routingID)
            forgetOldestAnonymousSession()
        }
        sessions[routingID]?.lastHeard = now
        leases.heard(routingID, now: now, duration: settings.leaseDuration)
        switch message {
        case .ready(let ready):
            actions += try handleReady(ready, from: routingID, now: now)
        case .heartbeat(let progress):
            if let progress { actions += try handleProgress(progress, from: routingID, now: now) }
        case .result(let result):
            actions += try handleResult(result, from: routingID, now: now)
        case .fail(let failure):
            actions += try handleFailure(failure, from: routingID, now: now)
        case .return(let given):
            actions += try handleReturn(given, from: routingID, now: now)
        case .disconnect:
            let session = sessions[routingID]
            forget(routingID)
            if let session, session.introduced { actions.append(.log("\(session.name) disconnected")) }
        }
        for case .send(let to, _) in actions { sessions[to]?.lastSent = now }
        return actions
    }

    /// Writes the lease deadlines that are due, expires overdue leases, forgets silent workers,
    /// sends heartbeats, and SHUTDOWN once finished.
    public func tick(now: Double) throws(JournalError) -> [CoordinatorAction] {
        try start(now: now)
        var actions: [CoordinatorAction] = []
        // Coarse persistence: a deadline goes to the journal once the in-memory one has reached
        // the journal's, as the in-memory one + a lease duration: once per lease duration per
        // lease, and the journal's deadline is never before the true one (a restarted coordinator
        // reading it expires no live lease).
        var deadlines: [String: Double] = [:]
        for lease in leases.all where lease.routingID != nil && lease.expiresAt >= lease.persistedDeadline {
            deadlines[lease.leaseID] = lease.expiresAt + settings.leaseDuration
        }
        let lost = try journal.renew(deadlines)
        for (id, deadline) in deadlines {
            if lost.contains(id) {
                leases.remove(id)
            } else {
                leases.update(id) { $0.persistedDeadline = deadline }
            }
        }
        let overdue = leases.all.filter { $0.expiresAt < now }.map(\.leaseID)
        let expired = try journal.expire(leaseIDs: overdue, now: now, maxAttempts: settings.maxAttempts)
        for id in overdue { leases.remove(id) }
        if !expired.isEmpty {
            for key in expired {
                let state = try journal.task(key: key)?.state
                actions.append(
                    .log(
                        "lease of task \(try label(key)) expired: task \(state == .failed ? "failed (max_attempts reached)" : "queued again")"
                    ))
            }
            progressChanged = true
        }
        for (routingID, session) in sessions where now - session.lastHeard > settings.leaseDuration {
            forget(routingID)
            guard session.introduced else { continue }
            actions.append(.log("\(session.name) went silent for \(settings.leaseDuration) s: forgotten"))
            try journal.record(
                event: JournalEvent(
                    time: now, kind: EventKind.workerLost, worker: session.name,
                    detail: "no message for \(now - session.lastHeard) s"))
        }
        ignored.forgetExpired(now: now)
        if let suppressed = complaints.takeSuppressed(now: now) {
            let line = "\(suppressed) more complaints about peers in the last \(Int(Limits.complaintWindow)) s not logged one by one"
            try journal.record(event: JournalEvent(time: now, kind: EventKind.complaintsSuppressed, detail: line))
            actions.append(.log(line))
        }
        if progressChanged && now - progressWritten >= Limits.progressWriteSeconds {
            let rows = progressRows(now: now)
            if !rows.isEmpty || progressStored {
                try journal.recordProgress(rows)
                progressWritten = now
                progressStored = !rows.isEmpty
            }
            progressChanged = false
        }
        if !isFinished { isFinished = try journal.isFinished() }
        // In routing-id order (the same actions for the same inputs), only the sessions due: with
        // thousands of workers, most were sent something within the interval.
        let due = sessions.filter { _, session in
            (isFinished && !session.toldToShutDown) || now - session.lastSent >= settings.heartbeatInterval
        }
        for (routingID, session) in due.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            sessions[routingID]?.lastSent = now
            if isFinished && !session.toldToShutDown {
                sessions[routingID]?.toldToShutDown = true
                actions.append(.send(to: routingID, .shutdown(.finished)))
            } else {
                actions.append(.send(to: routingID, .heartbeat))
            }
        }
        return actions
    }

    /// A complaint from outside the machine (the poll loop's CURVE refusals): logged and journaled
    /// under the same rate limit as the machine's own.
    public func complain(_ kind: JournalEvent.Kind, _ line: String, now: Double) throws(JournalError) -> [CoordinatorAction] {
        try complain(kind, worker: nil, line, now: now)
    }

    // MARK: - Commands

    private func handleReady(_ ready: WorkerMessage.Ready, from routingID: Data, now: Double) throws(JournalError)
        -> [CoordinatorAction]
    {
        var actions: [CoordinatorAction] = []
        if let session = sessions[routingID], !session.introduced {
            sessions[routingID]?.introduced = true
            anonymous.remove(routingID)
            sessions[routingID]?.name = ready.worker
            try journal.record(
                event: JournalEvent(
                    time: now, kind: EventKind.workerJoined, worker: ready.worker,
                    detail: "host \(ready.host), pid \(ready.pid), \(ready.threads) threads, holds \(ready.heldResults.count) results"))
            actions.append(.log("\(ready.worker) joined (host \(ready.host), pid \(ready.pid), \(ready.threads) threads)"))
        }
        let inFlight = sessions[routingID]?.ackedResults.intersection(ready.heldResults) ?? []
        sessions[routingID]?.ackedResults = inFlight
        for key in ready.heldResults where !inFlight.contains(key) {
            if try journal.hasResult(taskKey: key) { actions.append(.send(to: routingID, .ack(taskKey: key))) }
        }
        if let token = ready.session {
            // A READY from an older connection of a worker than one already heard was delayed on
            // the way from a socket the worker has abandoned: a TASK for it would be lost.
            let number = ready.connection ?? 0
            if let latest = latestConnection[token], latest.routingID != routingID, latest.number >= number {
                actions.append(.log("\(ready.worker): READY from its abandoned connection \(number) ignored"))
                return actions
            }
            latestConnection[token] = (routingID, number)
            sessions[routingID]?.session = token
        }
        // A holder asking again lost its TASK on the way (or repeats itself): the same lease, from memory.
        if let held = leases.held(by: routingID).min(by: { $0.taskKey < $1.taskKey }) {
            actions.append(.send(to: routingID, .task(held.assignment)))
            return actions
        }
        // A lease of this worker session held by another of its connections (or by none, after a
        // coordinator restart): the worker is idle, so that TASK went to a socket it abandoned or
        // never reached it. It moves here, the same lease and attempt, unless the worker holds the
        // task's result (its RESULT follows).
        if let token = ready.session,
            let lost = leases.granted(toSession: token).filter({ !ready.heldResults.contains($0.taskKey) })
                .min(by: { $0.taskKey < $1.taskKey })
        {
            leases.setHolder(lost.leaseID, routingID)
            leases.heard(routingID, now: now, duration: settings.leaseDuration)
            actions.append(.send(to: routingID, .task(lost.assignment)))
            actions.append(.log("task \(lost.label) → \(ready.worker) again (its TASK went to an abandoned connection)"))
            return actions
        }
        if let lease = try journal.lease(
            worker: ready.worker, session: ready.session, now: now, leaseDuration: 2 * settings.leaseDuration)
        {
            let label = TaskName.label(key: lease.taskKey, gridJSON: lease.gridJSON)
            labels[lease.taskKey] = label
            let assignment = CoordinatorMessage.TaskAssignment(
                leaseID: lease.leaseID, taskKey: lease.taskKey, attempt: lease.attempt, config: lease.configJSON,
                checkpointEvery: settings.checkpointEvery, label: TaskName.gridValues(lease.gridJSON))
            leases.insert(
                ActiveLease(
                    assignment: assignment, routingID: routingID, label: label, session: ready.session,
                    expiresAt: now + settings.leaseDuration, persistedDeadline: lease.deadline))
            progressChanged = true
            actions.append(.send(to: routingID, .task(assignment)))
            actions.append(.log("task \(label) → \(ready.worker) (attempt \(lease.attempt))"))
        } else if try journal.isFinished() {
            isFinished = true
            sessions[routingID]?.toldToShutDown = true
            actions.append(.send(to: routingID, .shutdown(.finished)))
        } else {
            actions.append(.send(to: routingID, .noTask(retryAfter: settings.heartbeatInterval)))
        }
        return actions
    }

    private func handleProgress(_ progress: WorkerMessage.Progress, from routingID: Data, now: Double)
        throws(JournalError) -> [CoordinatorAction]
    {
        guard try ownLease(progress.leaseID, of: progress.taskKey, from: routingID, now: now) != nil else {
            return try complainForeign("HEARTBEAT", taskKey: progress.taskKey, from: routingID, now: now)
        }
        leases.update(progress.leaseID) { lease in
            if lease.firstReport == nil || progress.step < lease.step { lease.firstReport = (now, progress.step) }
            lease.step = progress.step
            lease.totalSteps = progress.totalSteps
            lease.phase = progress.phase
            lease.loss = progress.loss
            lease.sharpness = progress.sharpness
            lease.lastReport = now
            progressChanged = true
        }
        return []
    }

    private func handleResult(_ result: WorkerMessage.TaskResult, from routingID: Data, now: Double)
        throws(JournalError) -> [CoordinatorAction]
    {
        let worker = sessions[routingID]?.name ?? "?"
        let task = try label(result.taskKey)
        if let lease = leases[result.leaseID] {
            guard lease.taskKey == result.taskKey, lease.routingID == routingID || holderWentQuiet(lease, now: now) else {
                let line = "result of task \(task) from \(worker) refused: its lease is held by another connection"
                return try complain(.refusedResult, worker: worker, line, taskKey: result.taskKey, now: now)
            }
            leases.remove(result.leaseID)
            progressChanged = true
        } else if try journal.grantedTask(leaseID: result.leaseID) != result.taskKey {
            // Checked here, by a read, so that forged results cost no journal transaction each.
            guard try journal.task(key: result.taskKey) != nil else {
                let line = "result of task \(task) from \(worker): ignored (no such task in this journal)"
                return try complain(.unknownResult, worker: worker, line, taskKey: result.taskKey, now: now)
                    + [.send(to: routingID, .ack(taskKey: result.taskKey))]
            }
            let line = "result of task \(task) from \(worker) refused: its lease was never granted for this task"
            return try complain(.refusedResult, worker: worker, line, taskKey: result.taskKey, now: now)
        }
        let outcome = try journal.complete(
            taskKey: result.taskKey, leaseID: result.leaseID, summaryJSON: result.summary, files: result.files,
            resumed: result.resumedFromCheckpoint, now: now)
        if outcome == .accepted || outcome == .acceptedLate, let current = leases.lease(ofTask: result.taskKey) {
            // A late result ended the task's newer lease in the journal; its holder's messages no longer count.
            leases.remove(current.leaseID)
            progressChanged = true
        }
        let what =
            switch outcome {
            case .accepted: "recorded"
            case .acceptedLate: "recorded (late: its lease was no longer current)"
            case .duplicate: "ignored (the task already has a result)"
            case .unknownTask: "ignored (no such task in this journal)"
            case .refused: "refused (its lease was never granted for this task)"
            }
        let log = CoordinatorAction.log("result of task \(task) from \(worker): \(what)")
        guard outcome != .refused else { return [log] }
        sessions[routingID]?.ackedResults.insert(result.taskKey)
        return [.send(to: routingID, .ack(taskKey: result.taskKey)), log]
    }

    private func handleFailure(_ failure: WorkerMessage.TaskFailure, from routingID: Data, now: Double)
        throws(JournalError) -> [CoordinatorAction]
    {
        guard let lease = try ownLease(failure.leaseID, of: failure.taskKey, from: routingID, now: now) else {
            return try complainForeign("FAIL", taskKey: failure.taskKey, from: routingID, now: now)
        }
        leases.remove(failure.leaseID)
        progressChanged = true
        let outcome = try journal.fail(
            taskKey: lease.taskKey, leaseID: lease.leaseID, error: failure.error,
            maxAttempts: settings.maxAttempts, now: now)
        let what =
            switch outcome {
            case .requeued(let attempts): "attempt \(attempts) failed, queued again"
            case .failed(let attempts): "failed after \(attempts) attempts"
            case .ignored: "ignored (lease no longer current)"
            }
        return [.log("task \(try label(failure.taskKey)) \(what): \(failure.error)")]
    }

    private func handleReturn(_ given: WorkerMessage.TaskReturn, from routingID: Data, now: Double)
        throws(JournalError) -> [CoordinatorAction]
    {
        guard let lease = try ownLease(given.leaseID, of: given.taskKey, from: routingID, now: now) else {
            return try complainForeign("RETURN", taskKey: given.taskKey, from: routingID, now: now)
        }
        leases.remove(given.leaseID)
        progressChanged = true
        let back = try journal.giveBack(taskKey: lease.taskKey, leaseID: lease.leaseID, reason: given.reason, now: now)
        return [.log("task \(try label(given.taskKey)) \(back ? "given back (\(given.reason)), queued again" : "return ignored")")]
    }

    // MARK: - Ownership

    /// The lease `token` of `taskKey` when the sender holds it: it was handed to this connection,
    /// or no live connection holds it — its holder went quiet (``holderWentQuiet(_:now:)``), was
    /// forgotten, or a previous coordinator handed it out — and the sender, which knows the token,
    /// takes it over, so the task keeps running instead of expiring and running twice. Nil
    /// otherwise: the lease is held by another live connection, is not current, or was never
    /// this task's.
    private func ownLease(_ token: String, of taskKey: String, from routingID: Data, now: Double) throws(JournalError)
        -> ActiveLease?
    {
        guard let lease = leases[token], lease.taskKey == taskKey else { return nil }
        if lease.routingID == routingID { return lease }
        guard holderWentQuiet(lease, now: now) else { return nil }
        leases.setHolder(token, routingID)
        leases.heard(routingID, now: now, duration: settings.leaseDuration)
        return leases[token]
    }

    /// Whether no live connection holds `lease`: none does, or the holder has been silent for over
    /// two heartbeat intervals — a worker that reconnected (a new routing id) while the old
    /// connection lingers here, which then takes its lease over by naming its token. A live holder
    /// heartbeats every interval, so its lease is never moved away from it.
    private func holderWentQuiet(_ lease: ActiveLease, now: Double) -> Bool {
        let lastHeard = lease.routingID.flatMap { sessions[$0]?.lastHeard } ?? -.infinity
        return now - lastHeard > 2 * settings.heartbeatInterval
    }

    /// Forgets a connection: its session; the leases it held stay, held by no connection, until
    /// they expire or their worker names them again from a new connection.
    private func forget(_ routingID: Data) {
        if let token = sessions[routingID]?.session, latestConnection[token]?.routingID == routingID {
            latestConnection[token] = nil
        }
        sessions[routingID] = nil
        anonymous.remove(routingID)
        leases.release(holder: routingID)
    }

    /// Keeps at most ``Limits/anonymousSessions`` sessions of peers that never sent READY and hold
    /// no lease, forgetting the oldest.
    private func forgetOldestAnonymousSession() {
        guard anonymous.count > Limits.anonymousSessions else { return }
        let candidates = anonymous.filter { !leases.isHolder($0) }
        guard candidates.count > Limits.anonymousSessions,
            let oldest = candidates.min(by: { (sessions[$0]?.since ?? 0) < (sessions[$1]?.since ?? 0) })
        else { return }
        sessions[oldest] = nil
        anonymous.remove(oldest)
    }

    // MARK: - Complaints

    private func complainForeign(_ command: String, taskKey: String, from routingID: Data, now: Double)
        throws(JournalError) -> [CoordinatorAction]
    {
        let worker = sessions[routingID]?.name ?? WorkerSession.anonymousName(routingID)
        let line = "\(command) of task \(taskKey.prefix(16)) from \(worker) ignored: it names a lease this connection does not hold"
        return try complain(.foreignLeaseIgnored, worker: worker, line, taskKey: taskKey, now: now)
    }

    /// Logs and journals `line` unless the rate limit holds it back (then it is counted).
    private func complain(
        _ kind: JournalEvent.Kind, worker: String?, _ line: String, taskKey: String? = nil,
        now: Double
    ) throws(JournalError) -> [CoordinatorAction] {
        guard complaints.admit(now: now) else { return [] }
        try journal.record(event: JournalEvent(time: now, kind: kind, taskKey: taskKey, worker: worker, detail: line))
        return [.log(line)]
    }
}

extension CoordinatorStateMachine {
    /// The coordinator is stopping (signal, preemption, requeue): the leases it handed out are
    /// given back in the journal without counting an attempt — their workers' RETURNs would
    /// arrive after it is gone — and every worker is told SHUTDOWN stopping, so it stops its task.
    /// A RESULT still on its way is held by its worker and recorded late by the next coordinator.
    public func stop(now: Double) throws(JournalError) -> [CoordinatorAction] {
        try start(now: now)
        var actions: [CoordinatorAction] = []
        for lease in leases.all.filter({ $0.routingID != nil }).sorted(by: { $0.taskKey < $1.taskKey }) {
            if try journal.giveBack(
                taskKey: lease.taskKey, leaseID: lease.leaseID, reason: "coordinator stopping",
                now: now)
            {
                actions.append(.log("task \(lease.label) given back (coordinator stopping), queued again"))
            }
            leases.remove(lease.leaseID)
        }
        return actions
            + sessions.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }).map {
                .send(to: $0, .shutdown(.stopping))
            }
    }
}
