import Foundation
import TestSupport
import Testing
@testable import SweepJournal

@Suite("One coordinator per journal; readers alongside")
struct OwnershipTests {
    private let host = ProcessInfo.processInfo.hostName

    @Test("A second coordinator in the same process is refused, naming the holder; close hands over")
    func secondCoordinatorInProcess() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let first = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 5)
        #expect(try first.owner() == CoordinatorOwner(pid: Int(getpid()), host: host, started: 5, heartbeat: 5))
        try first.heartbeat(now: 8)
        #expect(try first.owner()?.heartbeat == 8)

        let refusal = #expect(throws: JournalError.self) {
            try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 9)
        }
        #expect(refusal == .inUse(path: folder.journalPath, pid: Int(getpid()), host: host))
        let message = refusal?.description ?? ""
        #expect(message.contains("pid \(getpid())") && message.contains(host) && message.contains(folder.journalPath))
        #expect(!message.contains("\n"))

        try first.close(now: 10)
        let second = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 11)
        #expect(try second.events().map(\.kind) == [.coordinatorStarted, .coordinatorStopped, .coordinatorStarted])
    }

    @Test("A coordinator that died without closing is taken over: its row stays, its OS lock is gone")
    func staleOwnerTakeover() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        do {
            let dying = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 1)
            try dying.synchronize([1])
        }  // released without close: only the kernel drops the lock, as on a crash
        #expect(try SweepJournal.openReadOnly(path: folder.journalPath).owner()?.started == 1)
        let next = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 2)
        #expect(try next.owner()?.started == 2)
        let takeover = try #require(try next.events().last)
        #expect(takeover.kind == .coordinatorTakeover)
        #expect(takeover.detail?.contains("pid \(getpid())") == true)
        #expect(try next.counts() == StateCounts(queued: 1))
    }

    @Test(
        "A coordinator in another process is refused while alive and taken over once killed",
        .enabled(if: Python.isAvailable, "python3 with sqlite3 not found on PATH: cross-process lock test skipped"))
    func otherProcess() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0).close(now: 0)

        // A stand-in coordinator: flock on the sidecar, its owner row, then wait for stdin to close.
        let script = """
            import fcntl, os, socket, sqlite3, sys
            lock = open(sys.argv[1] + ".lock", "a")
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("INSERT OR REPLACE INTO coordinator_lock VALUES (1, ?, 'otherhost', 7.0, 7.0)", (os.getpid(),))
            print(os.getpid())
            sys.stdin.read()
            """
        let (process, output, input) = try Python.start(script, [folder.journalPath])
        defer { try? input.close() }
        let pid = try #require(Int(LineReader(output).lines { !$0.isEmpty }.first ?? ""))
        #expect(pid == Int(process.processIdentifier))

        #expect(throws: JournalError.inUse(path: folder.journalPath, pid: pid, host: "otherhost")) {
            try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 8)
        }
        kill(process.processIdentifier, SIGKILL)
        #expect(process.exit(within: 60) == .signaled(SIGKILL))

        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 9)
        #expect(try journal.owner() == CoordinatorOwner(pid: Int(getpid()), host: host, started: 9, heartbeat: 9))
        let takeover = try #require(try journal.events().last)
        #expect(takeover.kind == .coordinatorTakeover)
        #expect(takeover.detail?.contains("pid \(pid) on host otherhost") == true)
    }

    @Test(
        "Our lock is an OS lock another process sees",
        .enabled(if: Python.isAvailable, "python3 with sqlite3 not found on PATH: cross-process lock test skipped"))
    func lockVisibleToOtherProcess() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let script = """
            import fcntl, sys
            lock = open(sys.argv[1] + ".lock", "a")
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                print("acquired")
            except BlockingIOError:
                print("busy")
            """
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        #expect(try Python.run(script, [folder.journalPath]).output == "busy\n")
        try journal.close(now: 1)
        #expect(try Python.run(script, [folder.journalPath]).output == "acquired\n")
    }

    @Test("A reader sees committed changes, never blocks the writer, and cannot write")
    func readOnlyAlongsideCoordinator() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        #expect(throws: JournalError.missing(path: folder.journalPath)) {
            try SweepJournal.openReadOnly(path: folder.journalPath)
        }
        let coordinator = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        try coordinator.synchronize([1, 2])
        let reader = try SweepJournal.openReadOnly(path: folder.journalPath)
        #expect(try reader.counts() == StateCounts(queued: 2))

        // While the reader holds a read transaction open, the coordinator commits.
        let start = Date()
        let (inside, lease) = try reader.read { db in
            _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM task")  // starts the snapshot
            let lease = try coordinator.lease(worker: "w", now: 1, leaseDuration: 10)
            return (try Int.fetchOne(db, sql: "SELECT count(*) FROM task WHERE state = 'leased'"), lease)
        }
        #expect(Date().timeIntervalSince(start) < 1)
        #expect(inside == 0)  // its snapshot predates the lease
        #expect(lease != nil)
        #expect(try reader.counts() == StateCounts(queued: 1, leased: 1))

        #expect(throws: JournalError.readOnly(path: folder.journalPath)) {
            try reader.lease(worker: "r", now: 2, leaseDuration: 10)
        }
        #expect(throws: JournalError.readOnly(path: folder.journalPath)) {
            try reader.record(event: JournalEvent(time: 2, kind: .coordinatorStarted))
        }
        try coordinator.close(now: 3)
        #expect(try SweepJournal.openReadOnly(path: folder.journalPath).counts() == StateCounts(queued: 1, leased: 1))
    }
}
