import GRDB

extension SweepJournal {
    /// Brings the journal's task list in line with a sweep's grid, in one transaction.
    ///
    /// `tasks` are in grid order (it becomes `task.ordinal`, the order of leasing); keys are
    /// 64 lowercase hex digits, each listed once; the JSON texts are stored as given. A new key
    /// is queued; a known key keeps its state (a done task is never run again), its grid JSON
    /// and ordinal are updated; a key no longer listed becomes stale (its lease, if any, is
    /// dropped; its result is kept); a stale key listed again is revived: done when it has a
    /// result, else queued with its attempts and last error reset.
    /// The first call records the sweep; later calls must name the same sweep.
    public func synchronize(
        sweepName: String, specText: String, toolVersion: String,
        tasks: [(key: String, configJSON: String, gridJSON: String)], now: Double
    ) throws(JournalError) -> SynchronizationCounts {
        var seen = Set<String>()
        for task in tasks {
            guard task.key.utf8.count == 64, task.key.utf8.allSatisfy(Self.isLowercaseHexDigit) else {
                throw .invalidTaskKey(path: path, key: task.key, reason: "is not 64 lowercase hex digits")
            }
            guard seen.insert(task.key).inserted else {
                throw .invalidTaskKey(path: path, key: task.key, reason: "is listed twice")
            }
        }
        return try write { db in
            if let existing = try String.fetchOne(db, sql: "SELECT name FROM sweep WHERE id = 1"),
                existing != sweepName
            {
                throw JournalError.otherSweep(path: path, journalSweep: existing, requested: sweepName)
            }
            try db.execute(
                sql: """
                    INSERT INTO sweep (id, name, spec_text, tool_version, created, updated)
                    VALUES (1, :name, :spec, :tool, :now, :now)
                    ON CONFLICT (id) DO UPDATE SET
                        spec_text = excluded.spec_text, tool_version = excluded.tool_version,
                        updated = excluded.updated
                    """,
                arguments: ["name": sweepName, "spec": specText, "tool": toolVersion, "now": now])

            var known: [String: TaskState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, state FROM task") {
                known[row["key"]] = TaskState(rawValue: row["state"])
            }
            var counts = SynchronizationCounts(added: 0, kept: 0, staled: 0, revived: 0)
            for (ordinal, task) in tasks.enumerated() {
                switch known[task.key] {
                case nil:
                    try db.run(
                        sql: """
                            INSERT INTO task (key, config_json, grid_json, ordinal, state, added)
                            VALUES (?, ?, ?, ?, 'queued', ?)
                            """,
                        arguments: [task.key, task.configJSON, task.gridJSON, ordinal, now])
                    counts.added += 1
                case .stale?:
                    let hasResult =
                        try db.fetchBool(
                            sql: "SELECT summary_json IS NOT NULL FROM task WHERE key = ?",
                            arguments: [task.key]) ?? false
                    let state: TaskState = hasResult ? .done : .queued
                    try db.run(
                        sql: """
                            UPDATE task SET state = :state, stale_from = NULL, grid_json = :grid, ordinal = :ordinal,
                                attempts = CASE WHEN :state = 'queued' THEN 0 ELSE attempts END,
                                last_error = CASE WHEN :state = 'queued' THEN NULL ELSE last_error END
                            WHERE key = :key
                            """,
                        arguments: ["state": state.rawValue, "grid": task.gridJSON, "ordinal": ordinal, "key": task.key])
                    try Self.insert(
                        JournalEvent(
                            time: now, kind: .taskRevived, taskKey: task.key,
                            detail: "back in the grid as \(state.rawValue)"), db)
                    counts.revived += 1
                case .some:
                    try db.run(
                        sql: "UPDATE task SET grid_json = ?, ordinal = ? WHERE key = ?",
                        arguments: [task.gridJSON, ordinal, task.key])
                    counts.kept += 1
                }
            }
            for key in known.keys.sorted() where known[key] != .stale && !seen.contains(key) {
                let state = known[key] ?? .queued
                try db.run(
                    sql: """
                        UPDATE task SET state = 'stale', stale_from = state, lease_id = NULL, lease_deadline = NULL
                        WHERE key = ?
                        """,
                    arguments: [key])
                try Self.insert(
                    JournalEvent(
                        time: now, kind: .taskStaled, taskKey: key,
                        detail: "no longer in the grid (was \(state.rawValue))"), db)
                counts.staled += 1
            }
            try Self.insert(
                JournalEvent(
                    time: now, kind: .sweepSynchronized,
                    detail: "sweep \(sweepName): added \(counts.added), kept \(counts.kept), "
                        + "staled \(counts.staled), revived \(counts.revived)"), db)
            return counts
        }
    }

    /// `0`–`9` or `a`–`f` (as UTF-8): a task key's digits.
    private static func isLowercaseHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}
