/// The journal's SQL schema, version ``Schema/version`` (stored in `PRAGMA user_version`).
///
/// Every table is STRICT. Times are unix seconds (REAL). A task's result lives in its own row
/// (version 7): `summary_json`, `received`, `resumed_from_checkpoint`, `result_lease` (the lease
/// it came under) and `files_json`, the SHA-256 and size of each of its files
/// (``StoredFile/json(_:)``), all NULL until it has one. Its files (the CSVs of its run directory:
/// `trace.csv`, `track.csv`, `beta.csv`, `track-slow.csv`, `profile.csv`, header included) live in
/// its task folder, `<--out>/tasks/<key>/` (``TaskFolders``), and `sweep.task_root` names the
/// folder holding `tasks/` when it is not the journal's own. Journals of versions 1–6 kept results
/// in `result` keyed by task key, versions 5–6 the file records in `task_file`, versions 1–4 the
/// files' text in `run_file`; readers still read them there, and `run_file` stays.
///
/// `task.attempts` counts the attempts that have ended: failed, expired, or completed under
/// the current lease. A stale task keeps the state it had before in `stale_from`.
///
/// `lease` lists every lease ever granted (its id is the random token the worker was sent): a
/// result is recorded only under a lease granted for its task, so a peer that never held one
/// cannot complete a task, while a late result of an earlier holder is still accepted. Its
/// `session` (version 4) is the session token of the worker it was granted to, so a restarted
/// coordinator can hand a TASK that never reached its worker to that worker's new connection.
///
/// `progress` (version 3) holds the latest progress of each running task as its worker reported
/// it (step, loss, sharpness, step rate), written by the coordinator at most every few seconds
/// in one transaction (``SweepJournal/recordProgress(_:now:)``), for `eos status` in another
/// process. A row counts only while its task is leased under the same lease.
///
/// `event` is the audit log in the order written, with no index but its id (version 6 dropped
/// `event_by_task`, which nothing read).
///
/// `task.lease_deadline` is written coarsely (docs/ARCHITECTURE.md §6): at the grant and then at
/// most once per lease duration, always at or after the deadline the coordinator keeps in memory.
enum Schema {
    /// Bumped on every change of the schema; a coordinator migrates an older journal
    /// (``migrations``), a journal of a newer version is refused on open.
    static let version = 7

    /// The versions ``SweepJournal/openReadOnly(path:)`` reads: readers use no table added since.
    static let readableVersions = 1...version

    /// The version ``sql`` creates; a new journal then takes the ``migrations`` from it on, so that
    /// a new and a migrated journal are made by the same statements.
    static let baseVersion = 3

    /// SQL that brings a journal of version `n` to `n + 1`, by `n`; each runs in the transaction
    /// that sets the new `user_version`.
    static let migrations: [Int: String] = [
        // 1 → 2: the lease table, filled from the `task_leased` events ("lease <id>, attempt n"),
        // so the late results of leases granted before the upgrade are still accepted.
        1: leaseTable + """
            INSERT OR IGNORE INTO lease (lease_id, task_key, worker, granted)
                SELECT substr(detail, 7, 32), task_key, coalesce(worker, '?'), time FROM event
                WHERE kind = 'task_leased' AND task_key IN (SELECT key FROM task)
                    AND detail GLOB 'lease \(String(repeating: "[0-9a-f]", count: 32)),*';
            """,
        // 2 → 3: the progress table (empty: progress is live state, refilled by the next heartbeats).
        2: progressTable,
        // 3 → 4: the session token of the worker a lease was granted to (NULL for older grants).
        3: """
        ALTER TABLE lease ADD COLUMN session TEXT
            CHECK (session IS NULL OR (length(session) = 32 AND session NOT GLOB '*[^0-9a-f]*'));
        """,
        // 4 → 5: task files leave the journal for the task folders; the journal keeps their hash
        // and size. The files of older results stay in run_file, where readers still find them.
        4: taskFileTable + "ALTER TABLE sweep ADD COLUMN task_root TEXT;",
        // 5 → 6: no index of events by task. Nothing of eos looks a task's events up, and every
        // task's two events placed two random pages of it in each transaction's WAL frames: about
        // a third of the journal's writes per task at a thousand results a second. One task's
        // events are still a query away (a scan of the log, milliseconds at 100,000 tasks).
        5: "DROP INDEX event_by_task;",
        // 6 → 7: results move into their task's row. `result` and `task_file` were keyed by the
        // task key, a hash: every result wrote a random page of each, which the checkpoint then
        // copied back — three quarters of the journal's writes per task at two thousand results
        // a second (docs/BENCHMARKS.md §7). A task row, written at the result anyway, takes it
        // for no page more.
        6: """
        ALTER TABLE task ADD COLUMN summary_json TEXT;
        ALTER TABLE task ADD COLUMN received REAL;
        ALTER TABLE task ADD COLUMN resumed_from_checkpoint INTEGER CHECK (resumed_from_checkpoint IN (0, 1));
        ALTER TABLE task ADD COLUMN result_lease TEXT;
        ALTER TABLE task ADD COLUMN files_json TEXT;
        UPDATE task SET summary_json = r.summary_json, received = r.received,
            resumed_from_checkpoint = r.resumed_from_checkpoint, result_lease = r.lease_id
            FROM result AS r WHERE r.task_key = task.key;
        UPDATE task SET files_json = f.files
            FROM (SELECT task_key, json_group_object(name, json_object('bytes', bytes, 'sha256', sha256)) AS files
                  FROM task_file GROUP BY task_key) AS f
            WHERE f.task_key = task.key;
        DROP TABLE result;
        DROP TABLE task_file;
        """,
    ]

    /// Version 6's `result` table (created by ``sql``, dropped by version 7).
    static let resultTable = """
        CREATE TABLE result (
            task_key TEXT PRIMARY KEY REFERENCES task (key),
            summary_json TEXT NOT NULL,
            received REAL NOT NULL,
            resumed_from_checkpoint INTEGER NOT NULL CHECK (resumed_from_checkpoint IN (0, 1)),
            lease_id TEXT
        ) STRICT;

        """

    /// Versions 5–6's `task_file` table (dropped by version 7).
    static let taskFileTable = """
        CREATE TABLE task_file (
            task_key TEXT NOT NULL REFERENCES task (key),
            name TEXT NOT NULL,
            sha256 TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
            bytes INTEGER NOT NULL CHECK (bytes >= 0),
            PRIMARY KEY (task_key, name)
        ) STRICT, WITHOUT ROWID;

        """

    static let progressTable = """
        CREATE TABLE progress (
            task_key TEXT PRIMARY KEY REFERENCES task (key),
            lease_id TEXT NOT NULL,
            worker TEXT NOT NULL,
            step INTEGER NOT NULL,
            total_steps INTEGER NOT NULL,
            phase TEXT NOT NULL,
            loss REAL,
            sharpness REAL,
            steps_per_second REAL,
            updated REAL NOT NULL
        ) STRICT;

        """

    static let leaseTable = """
        CREATE TABLE lease (
            lease_id TEXT PRIMARY KEY
                CHECK (length(lease_id) = 32 AND lease_id NOT GLOB '*[^0-9a-f]*'),
            task_key TEXT NOT NULL REFERENCES task (key),
            worker TEXT NOT NULL,
            granted REAL NOT NULL
        ) STRICT;

        """

    static let sql = """
        CREATE TABLE sweep (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL,
            spec_text TEXT NOT NULL,
            tool_version TEXT NOT NULL,
            created REAL NOT NULL,
            updated REAL NOT NULL
        ) STRICT;

        CREATE TABLE task (
            key TEXT PRIMARY KEY
                CHECK (length(key) = 64 AND key NOT GLOB '*[^0-9a-f]*'),
            config_json TEXT NOT NULL,
            grid_json TEXT NOT NULL,
            ordinal INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'leased', 'done', 'failed', 'stale')),
            stale_from TEXT
                CHECK (stale_from IN ('queued', 'leased', 'done', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            lease_id TEXT,
            lease_deadline REAL,
            worker TEXT,
            last_error TEXT,
            started REAL,
            finished REAL,
            added REAL NOT NULL,
            CHECK ((state = 'leased') = (lease_id IS NOT NULL)),
            CHECK ((state = 'stale') = (stale_from IS NOT NULL))
        ) STRICT;
        CREATE INDEX task_by_state ON task (state, ordinal);
        CREATE UNIQUE INDEX task_by_lease ON task (lease_id) WHERE lease_id IS NOT NULL;

        \(resultTable)
        CREATE TABLE run_file (
            task_key TEXT NOT NULL REFERENCES task (key),
            name TEXT NOT NULL,
            content TEXT NOT NULL,
            PRIMARY KEY (task_key, name)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE event (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time REAL NOT NULL,
            kind TEXT NOT NULL,
            task_key TEXT,
            worker TEXT,
            detail TEXT
        ) STRICT;
        CREATE INDEX event_by_task ON event (task_key);

        \(leaseTable)
        \(progressTable)
        CREATE TABLE coordinator_lock (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            pid INTEGER NOT NULL,
            host TEXT NOT NULL,
            started REAL NOT NULL,
            heartbeat REAL NOT NULL
        ) STRICT;
        """
}
