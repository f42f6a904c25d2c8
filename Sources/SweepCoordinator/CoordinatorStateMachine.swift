import Foundation
import SweepJournal
import SweepProtocol

/// The coordinator without sockets: messages and clock ticks in, actions out (swift-nio's
/// `EmbeddedChannel` idea), so every protocol path is tested with a fake clock.
///
/// The journal is the only durable state: leases, attempts and results live there, so a new
/// machine on the same journal (a restarted coordinator) carries on where the old one stopped.
/// In memory it keeps the connected workers and the leases it handed out itself (the protocol's
/// numeric lease id ↔ the journal's lease id). Times are unix seconds passed in.
///
/// Rules (docs/ARCHITECTURE.md §4):
/// - the first valid message of a routing id is answered by WELCOME first;
/// - READY → TASK (a new lease until now + heartbeat_interval × liveness), NOTASK, or SHUTDOWN
///   when the sweep is finished; held results already in the journal are ACKed;
/// - every valid message from a worker renews the leases it holds; heartbeats also name theirs;
/// - RESULT is recorded once by task key and always ACKed (duplicates, late and unknown too),
///   FAIL counts an attempt, RETURN gives the lease back without one;
/// - a message that does not parse is logged (and journaled) and its sender ignored from then on;
/// - `tick` expires overdue leases (an attempt each, up to max_attempts), forgets silent
///   workers, heartbeats the others, and sends SHUTDOWN once the sweep is finished.
public final class CoordinatorStateMachine {
    public let journal: SweepJournal
    public let settings: CoordinatorSettings
    private var sessions: [Data: WorkerSession] = [:]
    private var leases: [Int64: ActiveLease] = [:]
    /// Routing ids that broke the protocol; their messages are dropped unread.
    private var ignored: Set<Data> = []
    /// True once no task is queued or leased.
    public private(set) var isFinished = false

    /// Journal event kinds of the coordinator itself.
    public enum EventKind {
        public static let workerJoined = JournalEvent.Kind(rawValue: "worker_joined")
        public static let workerLost = JournalEvent.Kind(rawValue: "worker_lost")
        public static let protocolError = JournalEvent.Kind(rawValue: "protocol_error")
    }

    public init(journal: SweepJournal, settings: CoordinatorSettings) {
        self.journal = journal
        self.settings = settings
    }

    /// Workers heard from within the lease duration.
    public var workerCount: Int { sessions.count }

    /// The leases this machine handed out, with the latest progress of each: (task key, worker, step, total steps).
    public var running: [(taskKey: String, worker: String, step: Int, totalSteps: Int)] {
        leases.values.sorted { $0.taskKey < $1.taskKey }.map {
            ($0.taskKey, sessions[$0.routingID]?.name ?? "?", $0.step, $0.totalSteps)
        }
    }

    /// Handles one message received on the ROUTER socket (`frames` without the routing id).
    public func receive(_ frames: [Data], from routingID: Data, now: Double) throws(JournalError) -> [CoordinatorAction] {
        guard !ignored.contains(routingID) else { return [] }
        let message: WorkerMessage
        do {
            message = try WorkerMessage.decode(frames: frames)
        } catch {
            ignored.insert(routingID)
            let name = sessions.removeValue(forKey: routingID)?.name ?? WorkerSession.anonymousName(routingID)
            let line = "\(name): \(error.description); ignoring this sender from now on"
            try journal.record(event: JournalEvent(time: now, kind: EventKind.protocolError, worker: name, detail: line))
            return [.log(line)]
        }
        var actions: [CoordinatorAction] = []
        if sessions[routingID] == nil {
            sessions[routingID] = WorkerSession(name: WorkerSession.anonymousName(routingID), lastHeard: now,
                                                lastHeartbeatSent: now)
            actions.append(.send(to: routingID, .welcome(.init(
                heartbeatInterval: settings.heartbeatInterval, liveness: settings.liveness,
                checkpointEvery: settings.checkpointEvery))))
        }
        sessions[routingID]?.lastHeard = now
        try renewLeases(of: routingID, now: now)
        switch message {
        case .ready(let ready):
            actions += try handleReady(ready, from: routingID, now: now)
        case .heartbeat(let progress):
            if let progress { try handleProgress(progress, from: routingID, now: now) }
        case .result(let result):
            actions += try handleResult(result, from: routingID, now: now)
        case .fail(let failure):
            actions += try handleFailure(failure, now: now)
        case .return(let given):
            actions += try handleReturn(given, now: now)
        case .disconnect:
            let name = sessions.removeValue(forKey: routingID)?.name ?? "?"
            actions.append(.log("\(name) disconnected"))
        }
        return actions
    }

    /// Expires overdue leases, forgets silent workers, sends heartbeats, and SHUTDOWN once finished.
    public func tick(now: Double) throws(JournalError) -> [CoordinatorAction] {
        var actions: [CoordinatorAction] = []
        let expired = try journal.expireLeases(now: now, maxAttempts: settings.maxAttempts)
        if !expired.isEmpty {
            let keys = Set(expired)
            for (id, lease) in leases where keys.contains(lease.taskKey) { leases[id] = nil }
            for key in expired {
                let state = try journal.task(key: key)?.state
                actions.append(.log("lease of task \(key.prefix(16)) expired: task \(state == .failed ? "failed (max_attempts reached)" : "queued again")"))
            }
        }
        for (routingID, session) in sessions where now - session.lastHeard > settings.leaseDuration {
            sessions[routingID] = nil
            actions.append(.log("\(session.name) went silent for \(settings.leaseDuration) s: forgotten"))
            try journal.record(event: JournalEvent(time: now, kind: EventKind.workerLost, worker: session.name,
                                                   detail: "no message for \(now - session.lastHeard) s"))
        }
        if !isFinished { isFinished = try journal.isFinished() }
        for routingID in sessions.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            guard let session = sessions[routingID] else { continue }
            if isFinished && !session.toldToShutDown {
                sessions[routingID]?.toldToShutDown = true
                actions.append(.send(to: routingID, .shutdown(.finished)))
            } else if now - session.lastHeartbeatSent >= settings.heartbeatInterval {
                sessions[routingID]?.lastHeartbeatSent = now
                actions.append(.send(to: routingID, .heartbeat))
            }
        }
        return actions
    }

    // MARK: - Commands

    private func handleReady(_ ready: WorkerMessage.Ready, from routingID: Data, now: Double) throws(JournalError)
        -> [CoordinatorAction]
    {
        var actions: [CoordinatorAction] = []
        if let session = sessions[routingID], session.name != ready.worker {
            sessions[routingID]?.name = ready.worker
            try journal.record(event: JournalEvent(
                time: now, kind: EventKind.workerJoined, worker: ready.worker,
                detail: "host \(ready.host), pid \(ready.pid), \(ready.threads) threads, holds \(ready.heldResults.count) results"))
            actions.append(.log("\(ready.worker) joined (host \(ready.host), pid \(ready.pid), \(ready.threads) threads)"))
        }
        for key in ready.heldResults where try journal.task(key: key)?.summaryJSON != nil {
            actions.append(.send(to: routingID, .ack(taskKey: key)))
        }
        // A worker asking for work holds no lease any more: what it held is not coming back.
        for (id, lease) in leases where lease.routingID == routingID {
            leases[id] = nil
            _ = try journal.giveBack(taskKey: lease.taskKey, leaseID: lease.journalLeaseID,
                                     reason: "worker \(ready.worker) asked for a new task", now: now)
        }
        if let lease = try journal.lease(worker: ready.worker, now: now, leaseDuration: settings.leaseDuration) {
            let id = ActiveLease.protocolID(lease.leaseID)
            leases[id] = ActiveLease(taskKey: lease.taskKey, journalLeaseID: lease.leaseID, routingID: routingID)
            actions.append(.send(to: routingID, .task(.init(
                leaseID: id, taskKey: lease.taskKey, attempt: lease.attempt, config: lease.configJSON,
                checkpointEvery: settings.checkpointEvery))))
            actions.append(.log("task \(lease.taskKey.prefix(16)) → \(ready.worker) (attempt \(lease.attempt))"))
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
        throws(JournalError)
    {
        if leases[progress.leaseID] == nil { _ = try adoptLease(progress.leaseID, of: progress.taskKey, from: routingID) }
        guard var lease = leases[progress.leaseID], lease.taskKey == progress.taskKey else { return }
        lease.step = progress.step
        lease.totalSteps = progress.totalSteps
        if lease.routingID != routingID {
            lease.routingID = routingID
        }
        leases[progress.leaseID] = lease
        if try !journal.renew(leaseID: lease.journalLeaseID, now: now, leaseDuration: settings.leaseDuration) {
            leases[progress.leaseID] = nil
        }
    }

    private func handleResult(_ result: WorkerMessage.TaskResult, from routingID: Data, now: Double)
        throws(JournalError) -> [CoordinatorAction]
    {
        if leases[result.leaseID] == nil { _ = try adoptLease(result.leaseID, of: result.taskKey, from: routingID) }
        let lease = leases.removeValue(forKey: result.leaseID)
        let journalLeaseID = lease?.journalLeaseID ?? "protocol-\(result.leaseID)"
        let outcome = try journal.complete(
            taskKey: result.taskKey, leaseID: journalLeaseID, summaryJSON: result.summary, files: result.files,
            resumed: result.resumedFromCheckpoint, now: now)
        let worker = sessions[routingID]?.name ?? "?"
        let what = switch outcome {
        case .accepted: "recorded"
        case .acceptedLate: "recorded (late: its lease was no longer current)"
        case .duplicate: "ignored (the task already has a result)"
        case .unknownTask: "ignored (no such task in this journal)"
        }
        return [.send(to: routingID, .ack(taskKey: result.taskKey)),
                .log("result of task \(result.taskKey.prefix(16)) from \(worker): \(what)")]
    }

    private func handleFailure(_ failure: WorkerMessage.TaskFailure, now: Double) throws(JournalError)
        -> [CoordinatorAction]
    {
        guard let lease = leases.removeValue(forKey: failure.leaseID), lease.taskKey == failure.taskKey else {
            return [.log("FAIL of task \(failure.taskKey.prefix(16)) under an unknown lease ignored: \(failure.error)")]
        }
        let outcome = try journal.fail(taskKey: lease.taskKey, leaseID: lease.journalLeaseID, error: failure.error,
                                       maxAttempts: settings.maxAttempts, now: now)
        let what = switch outcome {
        case .requeued(let attempts): "attempt \(attempts) failed, queued again"
        case .failed(let attempts): "failed after \(attempts) attempts"
        case .ignored: "ignored (lease no longer current)"
        }
        return [.log("task \(failure.taskKey.prefix(16)) \(what): \(failure.error)")]
    }

    private func handleReturn(_ given: WorkerMessage.TaskReturn, now: Double) throws(JournalError)
        -> [CoordinatorAction]
    {
        guard let lease = leases.removeValue(forKey: given.leaseID), lease.taskKey == given.taskKey else {
            return [.log("RETURN of task \(given.taskKey.prefix(16)) under an unknown lease ignored")]
        }
        let back = try journal.giveBack(taskKey: lease.taskKey, leaseID: lease.journalLeaseID, reason: given.reason,
                                        now: now)
        return [.log("task \(given.taskKey.prefix(16)) \(back ? "given back (\(given.reason)), queued again" : "return ignored")")]
    }

    /// A lease of the journal that this process did not hand out (a previous coordinator on the
    /// same journal did, and its worker reconnected to us): taken over while it is current, so the
    /// task keeps running instead of expiring and running twice.
    private func adoptLease(_ protocolID: Int64, of taskKey: String, from routingID: Data) throws(JournalError) -> ActiveLease? {
        guard let task = try journal.task(key: taskKey), task.state == .leased, let journalLeaseID = task.leaseID,
              ActiveLease.protocolID(journalLeaseID) == protocolID else { return nil }
        let lease = ActiveLease(taskKey: taskKey, journalLeaseID: journalLeaseID, routingID: routingID)
        leases[protocolID] = lease
        return lease
    }

    /// Any valid message proves the worker alive: its leases last another lease duration.
    private func renewLeases(of routingID: Data, now: Double) throws(JournalError) {
        for (id, lease) in leases where lease.routingID == routingID {
            if try !journal.renew(leaseID: lease.journalLeaseID, now: now, leaseDuration: settings.leaseDuration) {
                leases[id] = nil
            }
        }
    }
}

extension CoordinatorStateMachine {
    /// The coordinator is stopping (signal, preemption, requeue): the leases it handed out are
    /// given back in the journal without counting an attempt — their workers' RETURNs would
    /// arrive after it is gone — and every worker is told SHUTDOWN stopping, so it stops its task.
    /// A RESULT still on its way is held by its worker and recorded late by the next coordinator.
    public func stop(now: Double) throws(JournalError) -> [CoordinatorAction] {
        var actions: [CoordinatorAction] = []
        for (_, lease) in leases.sorted(by: { $0.value.taskKey < $1.value.taskKey }) {
            if try journal.giveBack(taskKey: lease.taskKey, leaseID: lease.journalLeaseID, reason: "coordinator stopping",
                                    now: now)
            {
                actions.append(.log("task \(lease.taskKey.prefix(16)) given back (coordinator stopping), queued again"))
            }
        }
        leases = [:]
        return actions + sessions.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }).map {
            .send(to: $0, .shutdown(.stopping))
        }
    }
}
