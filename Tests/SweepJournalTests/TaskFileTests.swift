import Configuration
import Foundation
import TestSupport
import Testing
@testable import SweepJournal

@Suite("Run files in the task folders: the journal keeps their hash and size")
struct TaskFileTests {
    @Test("a result's files go to <out>/tasks/<key>/ with their SHA-256 and size in the journal, none of their text")
    func filesGoToTheTaskFolder() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        defer { try? journal.close(now: 9) }
        try journal.synchronize([1, 2])
        let lease = try #require(try journal.lease(worker: "w", now: 1, leaseDuration: 3))
        let trace = "step,loss\n" + (0..<5000).map { "\($0),\(1.0 / Double($0 + 1))" }.joined(separator: "\n") + "\n"
        _ = try journal.complete(
            taskKey: lease.taskKey, leaseID: lease.leaseID, summaryJSON: "{}", files: ["trace.csv": trace, "beta.csv": "s,beta\n"],
            resumed: false, now: 2)
        let onDisk = folder.url.appendingPathComponent("tasks/\(lease.taskKey)/trace.csv").path
        #expect(try String(contentsOfFile: onDisk, encoding: .utf8) == trace)
        #expect(
            try journal.storedFiles(taskKey: lease.taskKey)["trace.csv"]
                == StoredFile(sha256: SHA256.hexDigest(Array(trace.utf8)), bytes: trace.utf8.count))
        #expect(try journal.files(taskKey: lease.taskKey) == ["trace.csv": trace, "beta.csv": "s,beta\n"])
        let rows = try journal.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM run_file") }
        #expect(rows == 0)
        // No partial files left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.url.appendingPathComponent("tasks/\(lease.taskKey)").path)
        #expect(Set(names) == ["trace.csv", "beta.csv"])
    }

    @Test("a file the worker already wrote (shared file system) is left alone; one changed after the record is not used")
    func sharedFileSystem() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        defer { try? journal.close(now: 9) }
        try journal.synchronize([1])
        let lease = try #require(try journal.lease(worker: "w", now: 1, leaseDuration: 3))
        let taskFolder = folder.url.appendingPathComponent("tasks/\(lease.taskKey)")
        try FileManager.default.createDirectory(at: taskFolder, withIntermediateDirectories: true)
        let path = taskFolder.appendingPathComponent("trace.csv").path
        try "step\n0\n".write(toFile: path, atomically: false, encoding: .utf8)
        let inode = try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int
        _ = try journal.complete(
            taskKey: lease.taskKey, leaseID: lease.leaseID, summaryJSON: "{}", files: ["trace.csv": "step\n0\n"], resumed: false,
            now: 2)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int == inode)  // not rewritten
        #expect(try journal.file(taskKey: lease.taskKey, name: "trace.csv") == "step\n0\n")
        try "step\n0\n1\n".write(toFile: path, atomically: false, encoding: .utf8)  // another run wrote over it
        #expect(try journal.file(taskKey: lease.taskKey, name: "trace.csv") == nil)
        #expect(try journal.files(taskKey: lease.taskKey).isEmpty)
    }

    @Test("with the journal outside --out, the recorded task root leads readers to the files")
    func taskRootElsewhere() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let out = folder.url.appendingPathComponent("out").path
        let journalPath = folder.url.appendingPathComponent("journals/sweep.sqlite").path
        try FileManager.default.createDirectory(
            atPath: folder.url.appendingPathComponent("journals").path, withIntermediateDirectories: true)
        let journal = try SweepJournal.openAsCoordinator(path: journalPath, now: 0)
        try journal.synchronize([1])
        try journal.recordTaskRoot(out)
        let lease = try #require(try journal.lease(worker: "w", now: 1, leaseDuration: 3))
        _ = try journal.complete(
            taskKey: lease.taskKey, leaseID: lease.leaseID, summaryJSON: "{}", files: ["trace.csv": "x\n"], resumed: false, now: 2)
        try journal.close(now: 3)
        #expect(FileManager.default.fileExists(atPath: out + "/tasks/\(lease.taskKey)/trace.csv"))
        let reader = try SweepJournal.openReadOnly(path: journalPath)
        #expect(reader.taskFolders.root.path == out)
        #expect(try reader.file(taskKey: lease.taskKey, name: "trace.csv") == "x\n")
        // --out equal to the journal's folder is recorded as NULL: the sweep folder can move as a whole.
        let local = try SweepJournal.openAsCoordinator(path: journalPath, now: 4)
        try local.recordTaskRoot(folder.url.appendingPathComponent("journals").path)
        #expect(try local.read { db in try String.fetchOne(db, sql: "SELECT task_root FROM sweep") } == nil)
        try local.close(now: 5)
    }

    @Test(
        "a version-4 journal (files in run_file) is read as it is, migrated to version 5 keeping them, and new results go to the folders",
        .enabled(if: Python.isAvailable, "python3 with sqlite3 not found on PATH"))
    func migrationFromVersion4() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        try journal.synchronize([1, 2])
        let old = try #require(try journal.lease(worker: "w", now: 1, leaseDuration: 3))
        try journal.close(now: 2)
        // What version 4 was: the result's files in run_file, no task_file, no task_root, and
        // the index version 6 dropped.
        let downgrade = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.executescript(sys.argv[4])
            db.execute("CREATE INDEX event_by_task ON event (task_key)")
            db.execute("DROP TABLE task_file")
            db.execute("ALTER TABLE sweep DROP COLUMN task_root")
            db.execute("INSERT INTO result VALUES (?, '{}', 2.0, 0, ?)", (sys.argv[2], sys.argv[3]))
            db.execute("INSERT INTO run_file VALUES (?, 'trace.csv', 'step\\n0\\n')", (sys.argv[2],))
            db.execute("UPDATE task SET state = 'done', lease_id = NULL, lease_deadline = NULL, attempts = 1 WHERE key = ?", (sys.argv[2],))
            db.execute("PRAGMA user_version = 4")
            db.commit()
            """
        #expect(try Python.run(downgrade, [folder.journalPath, old.taskKey, old.leaseID, versionSixSQL]).status == 0)
        let reader = try SweepJournal.openReadOnly(path: folder.journalPath)
        #expect(try reader.files(taskKey: old.taskKey) == ["trace.csv": "step\n0\n"])
        #expect(try reader.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == 4)

        let migrated = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 3)
        defer { try? migrated.close(now: 9) }
        #expect(try migrated.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == Schema.version)
        #expect(try migrated.file(taskKey: old.taskKey, name: "trace.csv") == "step\n0\n")
        let next = try #require(try migrated.lease(worker: "w", now: 4, leaseDuration: 3))
        _ = try migrated.complete(
            taskKey: next.taskKey, leaseID: next.leaseID, summaryJSON: "{}", files: ["trace.csv": "new\n"], resumed: false, now: 5)
        #expect(try migrated.file(taskKey: next.taskKey, name: "trace.csv") == "new\n")
        #expect(FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("tasks/\(next.taskKey)/trace.csv").path))
    }

    @Test("a version-5 journal loses only its index of events by task when migrated to version 6 (and on); a new journal has none")
    func migrationFromVersion5() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        try journal.synchronize([1, 2])
        let lease = try #require(try journal.lease(worker: "w", now: 1, leaseDuration: 3))
        let indexes = "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'event'"
        #expect(try journal.read { db in try String.fetchAll(db, sql: indexes) }.isEmpty)
        // What version 5 was: version 6's tables, and the index.
        try journal.write { db in
            try db.execute(sql: versionSixSQL)
            try db.execute(sql: "CREATE INDEX event_by_task ON event (task_key)")
            try db.execute(sql: "PRAGMA user_version = 5")
        }
        try journal.close(now: 2)
        let reader = try SweepJournal.openReadOnly(path: folder.journalPath)
        #expect(try reader.read { db in try String.fetchAll(db, sql: indexes) } == ["event_by_task"])

        let migrated = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 3)
        defer { try? migrated.close(now: 9) }
        #expect(try migrated.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == Schema.version)
        #expect(try migrated.read { db in try String.fetchAll(db, sql: indexes) }.isEmpty)
        #expect(try migrated.events(taskKey: lease.taskKey).map(\.kind) == [.taskLeased])
        #expect(
            try migrated.complete(
                taskKey: lease.taskKey, leaseID: lease.leaseID, summaryJSON: "{}", files: [:], resumed: false, now: 4) == .accepted)
        #expect(try migrated.events(taskKey: lease.taskKey).map(\.kind) == [.taskLeased, .taskCompleted])
    }

    @Test("a version-6 journal is read as it is, and migrated to version 7 with results and file records in the task rows")
    func migrationFromVersion6() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        try journal.synchronize([1, 2, 3])
        let files = ["trace.csv": "step\n0\n", "track.csv": "step,sharpness\n0,1.5\n"]
        let first = try #require(try journal.lease(worker: "w", now: 1, leaseDuration: 30))
        #expect(
            try journal.complete(
                taskKey: first.taskKey, leaseID: first.leaseID, summaryJSON: #"{"loss":0.5}"#, files: files, resumed: true, now: 2)
                == .accepted)
        let second = try #require(try journal.lease(worker: "w", now: 3, leaseDuration: 30))
        try journal.write { db in try db.execute(sql: versionSixSQL) }
        try journal.close(now: 4)

        let reader = try SweepJournal.openReadOnly(path: folder.journalPath)
        #expect(try reader.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == 6)
        #expect(try reader.hasResult(taskKey: first.taskKey))
        #expect(try !reader.hasResult(taskKey: second.taskKey))
        #expect(try reader.task(key: first.taskKey)?.summaryJSON == #"{"loss":0.5}"#)
        #expect(try reader.task(key: first.taskKey)?.resumedFromCheckpoint == true)
        #expect(try reader.tasks().map(\.summaryJSON) == [#"{"loss":0.5}"#, nil, nil])
        #expect(try reader.files(taskKey: first.taskKey) == files)

        let migrated = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 5)
        defer { try? migrated.close(now: 9) }
        #expect(try migrated.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == Schema.version)
        #expect(try migrated.read { db in try db.tableExists("result") || db.tableExists("task_file") } == false)
        #expect(try migrated.hasResult(taskKey: first.taskKey))
        #expect(try migrated.task(key: first.taskKey)?.summaryJSON == #"{"loss":0.5}"#)
        #expect(try migrated.task(key: first.taskKey)?.resumedFromCheckpoint == true)
        #expect(try migrated.storedFiles(taskKey: first.taskKey) == TaskFolders.records(of: files))
        #expect(try migrated.files(taskKey: first.taskKey) == files)
        // The moved records still tell a redelivered result which lost file to restore.
        try FileManager.default.removeItem(at: folder.url.appendingPathComponent("tasks/\(first.taskKey)/trace.csv"))
        #expect(try migrated.file(taskKey: first.taskKey, name: "trace.csv") == nil)
        #expect(
            try migrated.complete(
                taskKey: first.taskKey, leaseID: first.leaseID, summaryJSON: "{}", files: files, resumed: false, now: 6)
                == .duplicate)
        #expect(try migrated.files(taskKey: first.taskKey) == files)
        // A lease granted under version 6 completes its task under version 7.
        #expect(
            try migrated.complete(
                taskKey: second.taskKey, leaseID: second.leaseID, summaryJSON: "{}", files: [:], resumed: false, now: 7)
                == .accepted)
        #expect(try migrated.task(key: second.taskKey)?.state == .done)
    }
}
