import Foundation
import TestSupport
import Testing
@testable import SweepJournal

/// What opening a journal may change before it is known to be one, what lock it takes through
/// symlinks, what it says of a dead owner, and how a version-1 journal is carried over.
@Suite("Opening: no change to refused files, one lock per resolved file, liveness, migration")
struct OpeningSafetyTests {
    @Test(
        "a foreign SQLite file given as journal is refused with its bytes unchanged and no .lock, -wal or -shm beside it",
        .enabled(if: Python.isAvailable, "python3 with sqlite3 not found on PATH"))
    func foreignSQLiteIsLeftAlone() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let script = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
            db.execute("INSERT INTO photos (name) VALUES ('cat.jpg')")
            db.commit()
            db.close()
            """
        #expect(try Python.run(script, [folder.journalPath]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: folder.journalPath))
        #expect(throws: JournalError.notAJournal(path: folder.journalPath, reason: "an SQLite file with other tables")) {
            try SweepJournal.openAsCoordinator(path: folder.journalPath)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.journalPath)) == before)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.url.path)
        #expect(left == ["journal.sqlite"])
    }

    @Test("a journal of a newer schema version is refused unchanged, without a lock file")
    func newerVersionIsLeftAlone() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0).close(now: 1)
        try FileManager.default.removeItem(atPath: folder.journalPath + ".lock")
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 2)
        try journal.write { db in try db.execute(sql: "PRAGMA user_version = \(Schema.version + 1)") }
        try journal.close(now: 3)
        try FileManager.default.removeItem(atPath: folder.journalPath + ".lock")
        let before = try Data(contentsOf: URL(fileURLWithPath: folder.journalPath))
        #expect(
            throws: JournalError.unsupportedVersion(
                path: folder.journalPath, found: Schema.version + 1,
                supported: Schema.version)
        ) {
            try SweepJournal.openAsCoordinator(path: folder.journalPath)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.journalPath)) == before)
        #expect(!FileManager.default.fileExists(atPath: folder.journalPath + ".lock"))
    }

    @Test("a second coordinator through a symlink to the journal, or to its folder, is refused; no false takeover")
    func symlinkSharesTheLock() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let live = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        defer { try? live.close(now: 9) }
        let fileLink = folder.url.appendingPathComponent("link.sqlite").path
        try FileManager.default.createSymbolicLink(atPath: fileLink, withDestinationPath: folder.journalPath)
        let folderLink = folder.url.path + "-link"
        try FileManager.default.createSymbolicLink(atPath: folderLink, withDestinationPath: folder.url.path)
        defer { try? FileManager.default.removeItem(atPath: folderLink) }
        for path in [fileLink, folderLink + "/journal.sqlite"] {
            let error = #expect(throws: JournalError.self) { try SweepJournal.openAsCoordinator(path: path, now: 1) }
            guard case .inUse(path, Int(getpid())?, _)? = error else {
                Issue.record("\(path): expected inUse naming this process, got \(String(describing: error))")
                continue
            }
        }
        #expect(try !live.events().contains { $0.kind == .coordinatorTakeover })
        #expect(!FileManager.default.fileExists(atPath: fileLink + ".lock"))
    }

    @Test("a coordinator starting while eos status probes the lock waits out the probe instead of refusing")
    func startDuringAStatusProbe() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0).close(now: 1)
        // What `isHeld` does for a moment: a shared flock on the lock file, here held for 50 ms.
        let probe = open(folder.journalPath + ".lock", O_RDONLY | O_CLOEXEC)
        try #require(probe >= 0 && flock(probe, LOCK_SH | LOCK_NB) == 0)
        let release = Thread {
            usleep(50_000)
            close(probe)
        }
        release.start()
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 2)
        try journal.close(now: 3)
    }

    @Test("liveness: a live owner holds the lock; a dead one's row stays but its lock is free")
    func ownerLiveness() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        do {
            let live = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 1)
            #expect(try SweepJournal.openReadOnly(path: folder.journalPath).isOwnedByRunningCoordinator())
            try live.synchronize([1])
        }  // released without close, as on a crash
        let reader = try SweepJournal.openReadOnly(path: folder.journalPath)
        #expect(try reader.owner()?.pid == Int(getpid()))
        #expect(try !reader.isOwnedByRunningCoordinator())
        // No lock file at all (a journal copied elsewhere): nobody holds it, and none is made.
        try FileManager.default.removeItem(atPath: folder.journalPath + ".lock")
        #expect(try !reader.isOwnedByRunningCoordinator())
        #expect(!FileManager.default.fileExists(atPath: folder.journalPath + ".lock"))
    }

    @Test(
        "a version-1 journal is migrated: leases granted before the upgrade still take their late results",
        .enabled(if: Python.isAvailable, "python3 with sqlite3 not found on PATH"))
    func migrationFromVersion1() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        try journal.synchronize([1, 2])
        let old = try #require(try journal.lease(worker: "w", now: 1, leaseDuration: 10))
        _ = try journal.giveBack(taskKey: old.taskKey, leaseID: old.leaseID, reason: "SIGTERM", now: 2)
        try journal.close(now: 3)
        // What version 1 was: no lease table (and none of what versions 3 to 5 added, with the
        // index version 6 dropped).
        let downgrade = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.executescript(sys.argv[2])
            db.execute("CREATE INDEX event_by_task ON event (task_key)")
            db.execute("DROP TABLE lease")
            db.execute("DROP TABLE progress")
            db.execute("DROP TABLE task_file")
            db.execute("ALTER TABLE sweep DROP COLUMN task_root")
            db.execute("PRAGMA user_version = 1")
            db.commit()
            """
        #expect(try Python.run(downgrade, [folder.journalPath, versionSixSQL]).status == 0)
        #expect(try SweepJournal.openReadOnly(path: folder.journalPath).counts() == StateCounts(queued: 2))

        let migrated = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 4)
        #expect(try migrated.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == Schema.version)
        #expect(try migrated.grantedTask(leaseID: old.leaseID) == old.taskKey)
        #expect(
            try migrated.complete(
                taskKey: old.taskKey, leaseID: old.leaseID, summaryJSON: "{}", files: [:],
                resumed: false, now: 5) == .acceptedLate)
        let other = try #require(try migrated.tasks().first { $0.key != old.taskKey })
        #expect(
            try migrated.complete(
                taskKey: other.key, leaseID: old.leaseID, summaryJSON: "{}", files: [:],
                resumed: false, now: 6) == .refused)
    }
}
