import GRDB

/// Reads for `eos status`, `export` and `report`; each is one consistent snapshot and works
/// on a read-only journal while the coordinator writes.
extension SweepJournal {
    /// The sweep the journal holds; nil before the first `synchronize`.
    public func sweep() throws(JournalError) -> SweepRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT name, spec_text, tool_version, created, updated FROM sweep WHERE id = 1")
                .map {
                    SweepRecord(
                        name: $0["name"], specText: $0["spec_text"], toolVersion: $0["tool_version"],
                        created: $0["created"], updated: $0["updated"])
                }
        }
    }

    /// The owner row of the coordinator holding (or last holding) the journal.
    public func owner() throws(JournalError) -> CoordinatorOwner? {
        try read { db in try Self.ownerRow(db) }
    }

    public func counts() throws(JournalError) -> StateCounts {
        try read { db in
            var counts = StateCounts()
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM task GROUP BY state") {
                let n: Int = row["n"]
                switch TaskState(rawValue: row["state"]) {
                case .queued?: counts.queued = n
                case .leased?: counts.leased = n
                case .done?: counts.done = n
                case .failed?: counts.failed = n
                case .stale?: counts.stale = n
                case nil: break
                }
            }
            return counts
        }
    }

    /// True when no task is queued or leased (stale tasks do not count).
    public func isFinished() throws(JournalError) -> Bool {
        try read { db in
            try db.fetchBool(sql: "SELECT NOT EXISTS (SELECT 1 FROM task WHERE state IN ('queued', 'leased'))") ?? true
        }
    }

    /// Every task: the grid's in grid order, then the stale ones.
    public func tasks() throws(JournalError) -> [TaskRecord] {
        try read { db in
            try Row.fetchAll(db, sql: taskQuery + " ORDER BY t.state = 'stale', t.ordinal, t.key")
                .map(Self.taskRecord)
        }
    }

    /// The tasks in `state`, in grid order: what `eos status` lists (the leased ones) without
    /// reading the whole grid.
    public func tasks(in state: TaskState) throws(JournalError) -> [TaskRecord] {
        try read { db in
            try Row.fetchAll(db, sql: taskQuery + " WHERE t.state = ? ORDER BY t.ordinal, t.key", arguments: [state.rawValue])
                .map(Self.taskRecord)
        }
    }

    /// Whether task `taskKey` has a recorded result: one index probe, what a READY's held results
    /// are checked with.
    public func hasResult(taskKey: String) throws(JournalError) -> Bool {
        let sql =
            schemaVersion >= 7
            ? "SELECT EXISTS (SELECT 1 FROM task WHERE key = ? AND summary_json IS NOT NULL)"
            : "SELECT EXISTS (SELECT 1 FROM result WHERE task_key = ?)"
        return try read { db in try db.fetchBool(sql: sql, arguments: [taskKey]) ?? false }
    }

    public func task(key: String) throws(JournalError) -> TaskRecord? {
        try read { db in
            try db.fetchRow(sql: taskQuery + " WHERE t.key = ?", arguments: [key]).map(Self.taskRecord)
        }
    }

    /// The run files of a task's result: file name → text (empty without result). Read from the
    /// task folder, each only when it holds the content the journal recorded (its SHA-256); from
    /// the journal itself for results recorded before version 5.
    public func files(taskKey: String) throws(JournalError) -> [String: String] {
        var files = try legacyFiles(taskKey: taskKey, name: nil)
        let folders = taskFolders
        for (name, stored) in try storedFiles(taskKey: taskKey) {
            files[name] = folders.read(taskKey: taskKey, name: name, expected: stored)
        }
        return files
    }

    /// One run file of a task, e.g. `file(taskKey: k, name: "trace.csv")`; nil when absent (or,
    /// in the task folder, not the content recorded).
    public func file(taskKey: String, name: String) throws(JournalError) -> String? {
        if let stored = try storedFiles(taskKey: taskKey)[name] {
            return taskFolders.read(taskKey: taskKey, name: name, expected: stored)
        }
        return try legacyFiles(taskKey: taskKey, name: name)[name]
    }

    /// What the journal recorded of a task's files in its task folder: name → SHA-256 and size.
    /// In the task's row from version 7 on, in `task_file` in versions 5–6, nowhere before.
    public func storedFiles(taskKey: String) throws(JournalError) -> [String: StoredFile] {
        switch schemaVersion {
        case 7...:
            return try read { db in
                StoredFile.records(json: try db.fetchString(sql: "SELECT files_json FROM task WHERE key = ?", arguments: [taskKey]))
            }
        case 5...:
            return try read { db in
                var files: [String: StoredFile] = [:]
                let sql = "SELECT name, sha256, bytes FROM task_file WHERE task_key = ?"
                for row in try Row.fetchAll(db, sql: sql, arguments: [taskKey]) {
                    files[row["name"]] = StoredFile(sha256: row["sha256"], bytes: row["bytes"])
                }
                return files
            }
        default:
            return [:]
        }
    }

    /// Files kept in the journal itself (`run_file`, versions 1–4), all or the one named.
    private func legacyFiles(taskKey: String, name: String?) throws(JournalError) -> [String: String] {
        try read { db in
            var files: [String: String] = [:]
            let rows =
                if let name {
                    try Row.fetchAll(
                        db, sql: "SELECT name, content FROM run_file WHERE task_key = ? AND name = ?", arguments: [taskKey, name])
                } else {
                    try Row.fetchAll(db, sql: "SELECT name, content FROM run_file WHERE task_key = ?", arguments: [taskKey])
                }
            for row in rows { files[row["name"]] = row["content"] }
            return files
        }
    }

    /// Average duration of done tasks and the ETA of the remaining ones with `activeWorkers`.
    public func progress(activeWorkers: Int) throws(JournalError) -> Progress {
        try read { db in
            let average = try Double.fetchOne(
                db,
                sql: """
                    SELECT avg(finished - started) FROM task
                    WHERE state = 'done' AND started IS NOT NULL AND finished IS NOT NULL
                    """)
            let remaining =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM task WHERE state IN ('queued', 'leased')") ?? 0
            return Progress(averageTaskDuration: average, remaining: remaining, activeWorkers: activeWorkers)
        }
    }

    /// Every task with its result: in the task's own row from version 7 on, in `result` before.
    private var taskQuery: String {
        let result = schemaVersion >= 7 ? "t" : "r"
        return """
            SELECT t.key, t.ordinal, t.state, t.stale_from, t.attempts, t.worker, t.last_error, t.config_json, t.grid_json,
                   \(result).summary_json, \(result).resumed_from_checkpoint, t.lease_id, t.lease_deadline, t.started, t.finished
            FROM task AS t\(schemaVersion >= 7 ? "" : " LEFT JOIN result AS r ON r.task_key = t.key")
            """
    }

    private static func taskRecord(_ row: Row) -> TaskRecord {
        TaskRecord(
            key: row["key"], ordinal: row["ordinal"], state: TaskState(rawValue: row["state"]) ?? .stale,
            staleFrom: (row["stale_from"] as String?).flatMap(TaskState.init(rawValue:)),
            attempts: row["attempts"], worker: row["worker"], lastError: row["last_error"],
            configJSON: row["config_json"], gridJSON: row["grid_json"], summaryJSON: row["summary_json"],
            resumedFromCheckpoint: (row["resumed_from_checkpoint"] as Int?).map { $0 != 0 },
            leaseID: row["lease_id"], leaseDeadline: row["lease_deadline"], started: row["started"], finished: row["finished"])
    }
}
