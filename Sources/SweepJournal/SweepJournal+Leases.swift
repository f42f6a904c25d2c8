import Configuration
import Foundation
import GRDB
import Synchronization

/// Leases, goqite style: each state change is one transaction whose `UPDATE … RETURNING` both
/// checks and changes the task, so a task is never handed out twice and an old lease holder
/// can never touch a newer lease. `attempts` counts ended attempts: a FAIL or an expired lease
/// counts one, a result under the current lease counts one, a voluntary give-back none.
/// Every lease granted is also kept in the `lease` table, so a result can be checked against
/// the leases its task was ever given.
extension SweepJournal {
    /// Leases the queued task with the lowest ordinal to `worker` until `now + leaseDuration`
    /// (seconds), under a new lease id (``newLeaseID()``: the token the worker proves its lease
    /// with); nil when nothing is queued. `session` is the worker's session token (READY
    /// `session`), kept with the grant.
    public func lease(worker: String, session: String? = nil, now: Double, leaseDuration: Double) throws(JournalError)
        -> Lease?
    {
        let leaseID = Self.newLeaseID()
        let deadline = now + leaseDuration
        return try write { db in
            guard
                let row = try db.fetchRow(
                    sql: """
                        UPDATE task SET state = 'leased', lease_id = :lease, lease_deadline = :deadline,
                            worker = :worker, started = :now, finished = NULL
                        WHERE key = (SELECT key FROM task WHERE state = 'queued' ORDER BY ordinal, key LIMIT 1)
                        RETURNING key, config_json, grid_json, attempts
                        """,
                    arguments: ["lease": leaseID, "deadline": deadline, "worker": worker, "now": now])
            else { return nil }
            let lease = Lease(
                taskKey: row["key"], leaseID: leaseID, configJSON: row["config_json"],
                attempt: (row["attempts"] as Int) + 1, deadline: deadline, worker: worker, gridJSON: row["grid_json"],
                session: session)
            try db.run(
                sql: "INSERT INTO lease (lease_id, task_key, worker, granted, session) VALUES (?, ?, ?, ?, ?)",
                arguments: [leaseID, lease.taskKey, worker, now, session])
            try Self.insert(
                JournalEvent(
                    time: now, kind: .taskLeased, taskKey: lease.taskKey, worker: worker,
                    detail: "lease \(leaseID), attempt \(lease.attempt)"), db)
            return lease
        }
    }

    /// Moves the deadline of each current lease of `deadlines` (lease id → new deadline, unix
    /// seconds) in one transaction: the heartbeats of every worker heard since the last call.
    /// Returns the lease ids that are no longer current (expired and taken back, task stale or
    /// finished), which tells their workers to abandon the task. Not logged.
    public func renew(_ deadlines: [String: Double]) throws(JournalError) -> Set<String> {
        guard !deadlines.isEmpty else { return [] }
        return try write { db in
            var lost: Set<String> = []
            for (leaseID, deadline) in deadlines {
                try db.run(
                    sql: "UPDATE task SET lease_deadline = ? WHERE lease_id = ? AND state = 'leased'",
                    arguments: [deadline, leaseID])
                if db.changesCount == 0 { lost.insert(leaseID) }
            }
            return lost
        }
    }

    /// Every current lease (a task in state `leased`) with its task's configuration, deadline and
    /// the session it was granted to: what a coordinator keeps in memory (docs/ARCHITECTURE.md §6).
    public func currentLeases() throws(JournalError) -> [Lease] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT t.key, t.lease_id, t.config_json, t.grid_json, t.attempts, t.lease_deadline, t.worker, l.session
                    FROM task AS t LEFT JOIN lease AS l ON l.lease_id = t.lease_id
                    WHERE t.state = 'leased' ORDER BY t.ordinal, t.key
                    """
            ).map {
                Lease(
                    taskKey: $0["key"], leaseID: $0["lease_id"], configJSON: $0["config_json"],
                    attempt: ($0["attempts"] as Int) + 1, deadline: $0["lease_deadline"] ?? -.infinity,
                    worker: $0["worker"] ?? "?", gridJSON: $0["grid_json"], session: $0["session"])
            }
        }
    }

    /// Takes back the current leases among `leaseIDs` (their holders went silent past the
    /// coordinator's in-memory deadline), counting an attempt each: requeued, or failed when
    /// attempts reach `maxAttempts`. Lease ids that are not current are skipped. Returns the keys
    /// of the tasks taken back, in grid order.
    public func expire(leaseIDs: [String], now: Double, maxAttempts: Int) throws(JournalError) -> [String] {
        guard !leaseIDs.isEmpty else { return [] }
        return try write { db in
            var rows: [Row] = []
            for leaseID in leaseIDs {
                if let row = try db.fetchRow(
                    sql: Self.expireSQL + " AND lease_id = :lease RETURNING key, ordinal, state, attempts, worker, last_error",
                    arguments: ["max": maxAttempts, "now": now, "lease": leaseID])
                {
                    rows.append(row)
                }
            }
            return try Self.logExpired(rows, now: now, db)
        }
    }

    /// The task that lease id `leaseID` was granted for, if this journal ever granted it.
    public func grantedTask(leaseID: String) throws(JournalError) -> String? {
        try read { db in try db.fetchString(sql: "SELECT task_key FROM lease WHERE lease_id = ?", arguments: [leaseID]) }
    }

    /// Records a task's result exactly once: its summary, its run files (name → text, e.g.
    /// "trace.csv" → the CSV with its header) and the state change, in one transaction and in the
    /// task's own row (``Schema``). The files go to the task's folder (``TaskFolders``), written
    /// before the transaction commits (by a thread of their own inside a batch, after
    /// ``writeTaskFilesInBackground()``); the journal keeps their SHA-256 and size.
    ///
    /// Refused (`.refused`, logged as `refused_result`) unless `leaseID` is a lease this journal
    /// granted for this task. Accepted whenever the task has no result yet, also from an
    /// expired or earlier lease of the task (logged as `late_result`); a stale task keeps its
    /// state but keeps the result too. A second result for the same task is ignored (`.duplicate`),
    /// except that its files restore those of the recorded result missing from the task folder.
    public func complete(
        taskKey: String, leaseID: String, summaryJSON: String, files: [String: String],
        resumed: Bool, now: Double
    ) throws(JournalError) -> CompletionOutcome {
        try write { db in
            guard
                let task = try db.fetchRow(
                    sql: "SELECT state, lease_id, worker, summary_json IS NOT NULL AS has_result, files_json FROM task WHERE key = ?",
                    arguments: [taskKey])
            else {
                try Self.insert(
                    JournalEvent(
                        time: now, kind: .unknownResult, taskKey: taskKey,
                        detail: "lease \(leaseID): no such task"), db)
                return .unknownTask
            }
            let granted = try db.fetchString(
                sql: "SELECT task_key FROM lease WHERE lease_id = ?",
                arguments: [leaseID])
            guard granted == taskKey else {
                try Self.insert(
                    JournalEvent(
                        time: now, kind: .refusedResult, taskKey: taskKey,
                        detail: "lease \(leaseID) was never granted for this task"), db)
                return .refused
            }
            if task["has_result"] as Bool {
                // A redelivered result restores the files of the recorded one that a crash or a
                // power cut kept from the task folder (each written only if it is not there).
                let recorded = StoredFile.records(json: task["files_json"])
                let restorable = TaskFolders.records(of: files).filter { recorded[$0.key] == $0.value }
                if !restorable.isEmpty {
                    try storeTaskFiles(taskKey: taskKey, files: files.filter { restorable[$0.key] != nil }, records: restorable)
                }
                try Self.insert(
                    JournalEvent(
                        time: now, kind: .duplicateResult, taskKey: taskKey,
                        detail: "lease \(leaseID): the task already has a result"), db)
                return .duplicate
            }
            let state: String = task["state"]
            let currentLease: String? = task["lease_id"]
            let isCurrent = state == TaskState.leased.rawValue && currentLease == leaseID
            let stored = TaskFolders.records(of: files)
            try storeTaskFiles(taskKey: taskKey, files: files, records: stored)
            // A stale task keeps its state, and done becomes what it was before (stale_from).
            let stateChange =
                state == TaskState.stale.rawValue
                ? "stale_from = 'done'"
                : "state = 'done', lease_id = NULL, lease_deadline = NULL, last_error = NULL"
            try db.run(
                sql: """
                    UPDATE task SET summary_json = :summary, received = :now, resumed_from_checkpoint = :resumed,
                        result_lease = :lease, files_json = :files, finished = :now, attempts = attempts + :counted,
                        \(stateChange)
                    WHERE key = :key
                    """,
                arguments: [
                    "summary": summaryJSON, "now": now, "resumed": resumed ? 1 : 0, "lease": leaseID,
                    "files": StoredFile.json(stored), "counted": isCurrent ? 1 : 0, "key": taskKey,
                ])
            let detail =
                isCurrent
                ? "lease \(leaseID)\(resumed ? ", resumed from a checkpoint" : "")"
                : "lease \(leaseID) is not current (task was \(state)\(currentLease.map { ", lease \($0)" } ?? ""))"
            try Self.insert(
                JournalEvent(
                    time: now, kind: isCurrent ? .taskCompleted : .lateResult, taskKey: taskKey,
                    worker: isCurrent ? task["worker"] : nil, detail: detail), db)
            return isCurrent ? .accepted : .acceptedLate
        }
    }

    /// Records a failed attempt under the current lease: counts it, stores `error` as the last
    /// error, and requeues the task, or marks it failed when attempts reach `maxAttempts`.
    /// A lease id that is not current is ignored (and logged).
    public func fail(
        taskKey: String, leaseID: String, error: String, maxAttempts: Int, now: Double
    ) throws(JournalError) -> FailureOutcome {
        try write { db in
            guard
                let row = try db.fetchRow(
                    sql: """
                        UPDATE task SET attempts = attempts + 1,
                            state = CASE WHEN attempts + 1 >= :max THEN 'failed' ELSE 'queued' END,
                            finished = CASE WHEN attempts + 1 >= :max THEN :now ELSE NULL END,
                            last_error = :error, lease_id = NULL, lease_deadline = NULL
                        WHERE key = :key AND state = 'leased' AND lease_id = :lease
                        RETURNING state, attempts, worker
                        """,
                    arguments: ["max": maxAttempts, "now": now, "error": error, "key": taskKey, "lease": leaseID])
            else {
                try Self.insert(
                    JournalEvent(
                        time: now, kind: .foreignLeaseIgnored, taskKey: taskKey,
                        detail: "FAIL under lease \(leaseID), not current: \(error)"), db)
                return .ignored
            }
            let attempts: Int = row["attempts"]
            let failed = (row["state"] as String) == TaskState.failed.rawValue
            try Self.insert(
                JournalEvent(
                    time: now, kind: failed ? .taskFailed : .attemptFailed, taskKey: taskKey,
                    worker: row["worker"], detail: "attempt \(attempts): \(error)"), db)
            return failed ? .failed(attempts: attempts) : .requeued(attempts: attempts)
        }
    }

    /// Takes a task back from its current lease without counting an attempt (SIGTERM,
    /// preemption, requeue); false, and logged, when the lease is not current.
    public func giveBack(taskKey: String, leaseID: String, reason: String, now: Double) throws(JournalError) -> Bool {
        try write { db in
            guard
                let worker = try db.fetchRow(
                    sql: """
                        UPDATE task SET state = 'queued', lease_id = NULL, lease_deadline = NULL, started = NULL
                        WHERE key = ? AND state = 'leased' AND lease_id = ?
                        RETURNING worker
                        """,
                    arguments: [taskKey, leaseID])
            else {
                try Self.insert(
                    JournalEvent(
                        time: now, kind: .foreignLeaseIgnored, taskKey: taskKey,
                        detail: "give-back under lease \(leaseID), not current: \(reason)"), db)
                return false
            }
            try Self.insert(
                JournalEvent(
                    time: now, kind: .taskGivenBack, taskKey: taskKey,
                    worker: worker["worker"], detail: reason), db)
            return true
        }
    }

    /// Takes back every lease whose deadline is before `now`, counting an attempt each:
    /// requeued, or failed when attempts reach `maxAttempts`. Returns their keys in grid order.
    public func expireLeases(now: Double, maxAttempts: Int) throws(JournalError) -> [String] {
        try write { db in
            let rows = try Row.fetchAll(
                db,
                sql: Self.expireSQL
                    + " AND lease_deadline < :now RETURNING key, ordinal, state, attempts, worker, last_error",
                arguments: ["max": maxAttempts, "now": now])
            return try Self.logExpired(rows, now: now, db)
        }
    }

    /// An expiry: one attempt more, queued again or failed at `:max`, the lease dropped. Callers
    /// add which leases (`AND …`) and the RETURNING clause.
    private static let expireSQL = """
        UPDATE task SET attempts = attempts + 1,
            state = CASE WHEN attempts + 1 >= :max THEN 'failed' ELSE 'queued' END,
            finished = CASE WHEN attempts + 1 >= :max THEN :now ELSE NULL END,
            last_error = 'lease expired: worker ' || coalesce(worker, '?')
                || ' sent no heartbeat before its deadline',
            lease_id = NULL, lease_deadline = NULL
        WHERE state = 'leased'
        """

    /// Journals `lease_expired` (or `task_failed`) for each expired row; their keys in grid order.
    private static func logExpired(_ rows: [Row], now: Double, _ db: Database) throws -> [String] {
        let sorted = rows.sorted { ($0["ordinal"] as Int, $0["key"] as String) < ($1["ordinal"] as Int, $1["key"] as String) }
        for row in sorted {
            let failed = (row["state"] as String) == TaskState.failed.rawValue
            try insert(
                JournalEvent(
                    time: now, kind: failed ? .taskFailed : .leaseExpired, taskKey: row["key"], worker: row["worker"],
                    detail: "attempt \(row["attempts"] as Int): \(row["last_error"] as String)"), db)
        }
        return sorted.map { $0["key"] }
    }

    /// A new lease id: 32 lowercase hex digits, the first 13 a count of microseconds since 1970
    /// that grows with every id this process makes (the clock's, or one more than the last), the
    /// other 19 from the system's cryptographic random source (76 bits: unguessable).
    ///
    /// Growing ids land at the end of the two indexes on lease ids (the `lease` table's key and
    /// `task_by_lease`), where one turn's grants and results share a page; random ids put each
    /// grant and each result on a page of its own in both: a quarter of what the coordinator
    /// writes to the disk per task at 2,000 results a second (docs/BENCHMARKS.md §7).
    static func newLeaseID() -> String {
        let micros = UInt64(max(0, Date().timeIntervalSince1970 * 1_000_000))
        let count = lastLeaseMicros.withLock { last in
            last = max(last + 1, micros)
            return last
        }
        var generator = SystemRandomNumberGenerator()
        // 16 hex digits: the count's 13, then 3 random; then 16 more random.
        let high = count << 12 | (generator.next() as UInt64) >> 52
        let low = generator.next() as UInt64
        return SHA256.hex(withUnsafeBytes(of: high.bigEndian, Array.init) + withUnsafeBytes(of: low.bigEndian, Array.init))
    }

    /// The microsecond count of the last lease id made (``newLeaseID()``).
    private static let lastLeaseMicros = Mutex<UInt64>(0)
}
