import Foundation
import GRDB
import Synchronization

/// The SQLite journal of a sweep: tasks, leases, attempts, results, run files and an audit
/// log, in one file that Python's `sqlite3` opens as it is (schema: ``Schema``).
///
/// One writer: ``openAsCoordinator(path:now:)`` takes an exclusive OS lock (``CoordinatorLock``)
/// and records its owner row; every change is one transaction (or a savepoint of a
/// ``batch(_:)``, committed with the others of the batch) in WAL mode with `synchronous = FULL`,
/// so a kill -9 at any instant loses nothing that was committed (docs/ARCHITECTURE.md §6).
/// ``openReadOnly(path:)`` serves `eos status`, `export` and `report` while a coordinator
/// runs: WAL readers never block the writer, and this connection cannot write.
/// Times are unix seconds (`Double`) passed in by the caller, so tests can use a fake clock.
public final class SweepJournal: Sendable {
    /// The journal file.
    public let path: String
    /// True for a journal from ``openReadOnly(path:)``: every change throws ``JournalError/readOnly(path:)``.
    public let isReadOnly: Bool
    let database: DatabaseQueue
    private let lock: CoordinatorLock?
    private let committed = Atomic<Int>(0)
    /// The connection of the ``batch(_:)`` running now, which the writes and reads inside it use.
    private let openBatch = Mutex<BatchConnection?>(nil)
    /// The schema version of the file (a coordinator's journal is migrated to ``Schema/version``).
    let schemaVersion: Int
    private let folders: Mutex<TaskFolders>
    /// Set by ``writeTaskFilesInBackground()``: the thread that writes task files.
    private let backgroundWriter = Mutex<TaskFileWriter?>(nil)

    private init(path: String, database: DatabaseQueue, lock: CoordinatorLock?, schemaVersion: Int) {
        self.path = path
        self.isReadOnly = lock == nil
        self.database = database
        self.lock = lock
        self.schemaVersion = schemaVersion
        self.folders = Mutex(TaskFolders(root: Self.folder(of: path)))
    }

    /// The folder the journal file is in: where `tasks/` is unless the sweep names another.
    static func folder(of path: String) -> URL {
        URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
    }

    /// Where the task files of this sweep are (docs/ARCHITECTURE.md §6).
    public var taskFolders: TaskFolders { folders.withLock { $0 } }

    /// From now on, inside a ``batch(_:)``, ``complete`` records a result's files and queues their
    /// writing on a thread of their own (``TaskFileWriter``) instead of writing them itself, and
    /// the batch commits once every file queued in it is written: the coordinator's loop goes on
    /// with the turn's next messages while the files of its first results reach the disk.
    public func writeTaskFilesInBackground() {
        backgroundWriter.withLock { $0 = $0 ?? TaskFileWriter() }
    }

    /// Writes `files` of `taskKey` into its folder: queued inside a batch after
    /// ``writeTaskFilesInBackground()``, else now.
    func storeTaskFiles(taskKey: String, files: [String: String], records: [String: StoredFile]) throws(JournalError) {
        let folders = taskFolders
        if openBatch.withLock({ $0 != nil }), let writer = backgroundWriter.withLock({ $0 }) {
            writer.submit(folders, taskKey: taskKey, files: files, records: records)
        } else {
            try folders.store(taskKey: taskKey, files: files, records: records)
        }
    }

    /// Opens (creating if needed) the journal as its only coordinator.
    ///
    /// An existing file is first checked read-only (a journal of this or an older schema
    /// version, `PRAGMA quick_check`): a file that is refused is left exactly as it was, and no
    /// lock file is made beside it. Refused with ``JournalError/inUse(path:pid:host:)`` while
    /// another coordinator, in this process or another, holds the OS lock of the journal's
    /// resolved file (see ``CoordinatorLock``). An owner row left by a coordinator that died (its
    /// OS lock is free) is taken over and logged as `coordinator_takeover`. An older schema is
    /// migrated (``Schema/migrations``).
    public static func openAsCoordinator(
        path: String, now: Double = Date().timeIntervalSince1970
    ) throws(JournalError) -> SweepJournal {
        try checkBeforeOpening(path: path)
        guard let lock = try CoordinatorLock.acquire(journal: path) else {
            let holder = try? openReadOnly(path: path).owner()
            throw .inUse(path: path, pid: holder?.pid, host: holder?.host)
        }
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(5)
        configuration.label = "SweepJournal coordinator"
        let database: DatabaseQueue
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw mapped(error, path: path)
        }
        let journal = SweepJournal(path: path, database: database, lock: lock, schemaVersion: Schema.version)
        do {
            // GRDB's WAL setup chooses NORMAL; FULL also survives a power cut, not only a kill.
            // A 100,000-task journal is some 250 MB whose tables are keyed by random hashes, so
            // nearly every task touches pages of its own: SQLite's default 2 MB page cache read
            // most of them back with a system call each, and its checkpoint after every 1,000 WAL
            // pages copied the WAL back after nearly every turn at a thousand workers. A 128 MiB
            // cache (pages held only once touched) and a checkpoint every 16,000 pages (64 MiB of
            // WAL, copied back once per page however often it changed) keep both off the loop.
            try database.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL; PRAGMA cache_size = -131072; PRAGMA wal_autocheckpoint = 16000")
            }
        } catch {
            throw mapped(error, path: path)
        }
        try journal.prepareSchema()
        try journal.loadTaskRoot()
        try journal.write { db in
            let previous = try ownerRow(db)
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO coordinator_lock (id, pid, host, started, heartbeat)
                    VALUES (1, ?, ?, ?, ?)
                    """,
                arguments: [Int(getpid()), ProcessInfo.processInfo.hostName, now, now])
            if let previous {
                try insert(
                    JournalEvent(
                        time: now, kind: .coordinatorTakeover,
                        detail: "previous coordinator pid \(previous.pid) on host \(previous.host) "
                            + "(last heartbeat at \(previous.heartbeat)) holds no lock: it died"), db)
            } else {
                try insert(
                    JournalEvent(
                        time: now, kind: .coordinatorStarted,
                        detail: "pid \(getpid()) on host \(ProcessInfo.processInfo.hostName)"), db)
            }
        }
        return journal
    }

    /// Refuses, without changing a byte, an existing non-empty file that is not a journal this
    /// eos can open as coordinator: not SQLite, an SQLite file with other tables, a newer schema
    /// version, or damaged. Reads through a read-only connection (no WAL switch, no lock file).
    private static func checkBeforeOpening(path: String) throws(JournalError) {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard let size, size > 0 else { return }
        let database = try readOnlyQueue(path: path, label: "SweepJournal check")
        defer { try? database.close() }
        let (version, tables, report): (Int, Int, [String])
        do {
            (version, tables, report) = try database.read { db in
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                let report = version == 0 ? ["ok"] : try String.fetchAll(db, sql: "PRAGMA quick_check")
                return (version, tables, report)
            }
        } catch {
            throw mapped(error, path: path)
        }
        if version == 0 {
            guard tables == 0 else { throw .notAJournal(path: path, reason: "an SQLite file with other tables") }
            return
        }
        guard (1...Schema.version).contains(version) else {
            throw .unsupportedVersion(path: path, found: version, supported: Schema.version)
        }
        guard report == ["ok"] else {
            throw .damaged(path: path, problem: report.prefix(3).joined(separator: "; "))
        }
    }

    /// Opens an existing journal for reading only; never writes, never takes the lock.
    public static func openReadOnly(path: String) throws(JournalError) -> SweepJournal {
        guard FileManager.default.fileExists(atPath: path) else { throw .missing(path: path) }
        let database = try readOnlyQueue(path: path, label: "SweepJournal reader")
        let version: Int
        do {
            version = try database.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
        } catch {
            throw mapped(error, path: path)
        }
        guard version != 0 else { throw .notAJournal(path: path, reason: "it has no journal schema") }
        guard Schema.readableVersions.contains(version) else {
            throw .unsupportedVersion(path: path, found: version, supported: Schema.version)
        }
        let journal = SweepJournal(path: path, database: database, lock: nil, schemaVersion: version)
        try journal.loadTaskRoot()
        return journal
    }

    /// Reads `sweep.task_root` (version 5 on): an absolute folder, or the journal's own when NULL.
    private func loadTaskRoot() throws(JournalError) {
        guard schemaVersion >= 5 else { return }
        let root = try read { db in try String.fetchOne(db, sql: "SELECT task_root FROM sweep WHERE id = 1") }
        if let root { folders.withLock { $0 = TaskFolders(root: URL(fileURLWithPath: root, isDirectory: true)) } }
    }

    /// Records `folder` (the sweep's `--out`) as the one holding `tasks/`; call after the first
    /// `synchronize`. The journal's own folder is recorded as NULL, so that a sweep folder that
    /// holds its journal can be moved as a whole.
    public func recordTaskRoot(_ folder: String) throws(JournalError) {
        let url = URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL
        let own = url.path == Self.folder(of: path).path
        try write { db in
            try db.execute(sql: "UPDATE sweep SET task_root = ? WHERE id = 1", arguments: [own ? nil : url.path])
        }
        folders.withLock { $0 = TaskFolders(root: url) }
    }

    /// A read-only connection to `path`: no WAL switch, no lock file, no write.
    private static func readOnlyQueue(path: String, label: String) throws(JournalError) -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        configuration.label = label
        do {
            return try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw mapped(error, path: path)
        }
    }

    /// Whether a coordinator holds this journal's OS lock now (`eos status` tells a live owner
    /// row from one a crashed coordinator left). Takes no lock and creates no file.
    public func isOwnedByRunningCoordinator() throws(JournalError) -> Bool {
        try CoordinatorLock.isHeld(journal: path)
    }

    /// Refreshes the owner row's heartbeat, so `eos status` can tell a live coordinator.
    public func heartbeat(now: Double) throws(JournalError) {
        try write { db in
            try db.run(sql: "UPDATE coordinator_lock SET heartbeat = ? WHERE id = 1", arguments: [now])
        }
    }

    /// Ends ownership: deletes the owner row, logs `coordinator_stopped`, closes the database
    /// and releases the OS lock. The journal cannot be used afterwards.
    public func close(now: Double) throws(JournalError) {
        try write { db in
            try db.execute(sql: "DELETE FROM coordinator_lock WHERE id = 1")
            try Self.insert(JournalEvent(time: now, kind: .coordinatorStopped), db)
        }
        do {
            try database.close()
        } catch {
            throw Self.mapped(error, path: path)
        }
        lock?.release()
    }

    /// `PRAGMA integrity_check` (a full check, slow on large journals): empty when sound,
    /// else SQLite's list of problems.
    public func integrityProblems() throws(JournalError) -> [String] {
        let report = try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        return report == ["ok"] ? [] : report
    }

    // MARK: - Schema

    /// Creates the tables in an empty file, or migrates an older version one step at a time, in
    /// one transaction; refuses a file that has other tables or a newer version (checked again
    /// under the lock: the file may have changed since ``checkBeforeOpening(path:)``).
    private func prepareSchema() throws(JournalError) {
        try write { db in
            var version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            if version == Schema.version { return }
            if version == 0 {
                let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                guard tables == 0 else {
                    throw JournalError.notAJournal(path: path, reason: "an SQLite file with other tables")
                }
                try db.execute(sql: Schema.sql)
                version = Schema.baseVersion
                try db.execute(sql: "PRAGMA user_version = \(version)")
            }
            while version < Schema.version, let migration = Schema.migrations[version] {
                try db.execute(sql: migration)
                version += 1
                try db.execute(sql: "PRAGMA user_version = \(version)")
            }
            guard version == Schema.version else {
                throw JournalError.unsupportedVersion(path: path, found: version, supported: Schema.version)
            }
        }
    }

    // MARK: - Access

    /// Write transactions committed through this journal since it was opened: each is a
    /// synchronous disk write (fsync), so this counts the journal's load. A ``batch(_:)`` that
    /// wrote counts once, however many changes it holds.
    public var transactionsCommitted: Int { committed.load(ordering: .relaxed) }

    /// Group commit: every change made inside `body` — each one still all-or-nothing, as a
    /// savepoint — goes to disk in ONE transaction, committed (one fsync) when `body` returns;
    /// if `body` throws, none of them is. The coordinator's loop runs each turn's messages in one
    /// batch and sends their replies only after it committed, so a reply never announces a change
    /// that a crash could take back (docs/ARCHITECTURE.md §6). Batches do not nest.
    public func batch<T>(_ body: () throws(JournalError) -> T) throws(JournalError) -> T {
        guard !isReadOnly else { throw .readOnly(path: path) }
        precondition(openBatch.withLock { $0 } == nil, "SweepJournal.batch does not nest")
        var failure: JournalError?
        var wrote = false
        do {
            let value: T? = try database.writeWithoutTransaction { db in
                var value: T?
                try db.inTransaction(.immediate) {
                    openBatch.withLock { $0 = BatchConnection(database: db) }
                    defer { wrote = openBatch.withLock { $0?.wrote ?? false }; openBatch.withLock { $0 = nil } }
                    do throws(JournalError) {
                        value = try body()
                        try backgroundWriter.withLock({ $0 })?.drain()
                        return .commit
                    } catch {
                        failure = error
                        return .rollback
                    }
                }
                return value
            }
            if let failure { throw failure }
            if wrote { committed.add(1, ordering: .relaxed) }
            return value!  // set: body returned, else failure was thrown
        } catch {
            throw Self.mapped(error, path: path)
        }
    }

    /// Runs `body` in one transaction (BEGIN IMMEDIATE … COMMIT); rolls back if it throws. Inside
    /// a ``batch(_:)`` it is a savepoint of the batch's transaction instead.
    func write<T>(_ body: (Database) throws -> T) throws(JournalError) -> T {
        guard !isReadOnly else { throw .readOnly(path: path) }
        do {
            if let batch = openBatch.withLock({ $0 }) {
                var value: T?
                try batch.database.inSavepoint {
                    value = try body(batch.database)
                    return .commit
                }
                openBatch.withLock { $0?.wrote = true }
                return value!  // set: inSavepoint ran the closure or threw
            }
            let value = try database.writeWithoutTransaction { db in
                var value: T?
                try db.inTransaction(.immediate) {
                    value = try body(db)
                    return .commit
                }
                return value!  // set: inTransaction ran the closure or threw
            }
            committed.add(1, ordering: .relaxed)
            return value
        } catch {
            throw Self.mapped(error, path: path)
        }
    }

    /// Runs `body` in one read transaction (a consistent snapshot); inside a ``batch(_:)``, on the
    /// batch's connection, which sees the batch's changes.
    func read<T>(_ body: (Database) throws -> T) throws(JournalError) -> T {
        do {
            if let batch = openBatch.withLock({ $0 }) { return try body(batch.database) }
            return try database.read(body)
        } catch {
            throw Self.mapped(error, path: path)
        }
    }

    static func mapped(_ error: any Error, path: String) -> JournalError {
        if let error = error as? JournalError { return error }
        guard let error = error as? DatabaseError else {
            return .database(path: path, message: String(describing: error))
        }
        let message = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_NOTADB: return .notAJournal(path: path, reason: message)
        case .SQLITE_CORRUPT: return .damaged(path: path, problem: message)
        default: return .database(path: path, message: message)
        }
    }

    static func ownerRow(_ db: Database) throws -> CoordinatorOwner? {
        try Row.fetchOne(db, sql: "SELECT pid, host, started, heartbeat FROM coordinator_lock WHERE id = 1")
            .map { CoordinatorOwner(pid: $0["pid"], host: $0["host"], started: $0["started"], heartbeat: $0["heartbeat"]) }
    }

    static func insert(_ event: JournalEvent, _ db: Database) throws {
        try db.run(
            sql: "INSERT INTO event (time, kind, task_key, worker, detail) VALUES (?, ?, ?, ?, ?)",
            arguments: [event.time, event.kind.rawValue, event.taskKey, event.worker, event.detail])
    }
}

/// The connection of an open ``SweepJournal/batch(_:)``: used only by the thread that runs the
/// batch, from inside it (GRDB's queue is not reentrant, so writes and reads there reuse it).
struct BatchConnection: @unchecked Sendable {
    let database: Database
    /// Whether a change was made in the batch (a batch without one commits nothing to disk).
    var wrote = false
}

extension Database {
    /// `execute(sql:arguments:)` on a statement compiled once per connection and then reused:
    /// the statements of the coordinator's every message (grants, results, events) are not
    /// compiled again for each.
    func run(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// The first row of a cached statement (see ``run(sql:arguments:)``).
    func fetchRow(sql: String, arguments: StatementArguments = StatementArguments()) throws -> Row? {
        try Row.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }

    func fetchString(sql: String, arguments: StatementArguments = StatementArguments()) throws -> String? {
        try String.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }

    func fetchBool(sql: String, arguments: StatementArguments = StatementArguments()) throws -> Bool? {
        try Bool.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }
}
