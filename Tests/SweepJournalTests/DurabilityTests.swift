import Foundation
import TestSupport
import Testing
@testable import SweepJournal

@Suite("The journal file: Python-readable, kill -9 safe, clear about garbage")
struct DurabilityTests {
    @Test(
        "Python's sqlite3 reads the journal as it is",
        .enabled(if: Python.isAvailable, "python3 with sqlite3 not found on PATH: Python interoperability test skipped"))
    func readableFromPython() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        try journal.synchronize([1, 2, 3])
        let lease = try #require(try journal.lease(worker: "w", now: 0, leaseDuration: 10))
        _ = try journal.complete(
            taskKey: lease.taskKey, leaseID: lease.leaseID, summaryJSON: #"{"status":"completed"}"#,
            files: ["trace.csv": "step,loss\n0,1.5\n"], resumed: false, now: 1)
        _ = try journal.lease(worker: "w", now: 2, leaseDuration: 10)

        // Read-only URI while the coordinator still has the journal open; the task's files are in
        // its task folder beside the journal, with their hash and size in its row's files_json.
        let script = """
            import hashlib, json, os, sqlite3, sys
            db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
            entry = '$."trace.csv"'
            key, sha, size = db.execute(
                "SELECT key, json_extract(files_json, ? || '.sha256'), json_extract(files_json, ? || '.bytes')"
                " FROM task WHERE files_json IS NOT NULL", (entry, entry)).fetchone()
            trace = open(os.path.join(os.path.dirname(sys.argv[1]), "tasks", key, "trace.csv"), "rb").read()
            print(json.dumps({
                "version": db.execute("PRAGMA user_version").fetchone()[0],
                "mode": db.execute("PRAGMA journal_mode").fetchone()[0],
                "states": dict(db.execute("SELECT state, count(*) FROM task GROUP BY state").fetchall()),
                "trace": trace.decode(),
                "hash_matches": hashlib.sha256(trace).hexdigest() == sha and len(trace) == size,
                "summary": json.loads(db.execute("SELECT summary_json FROM task WHERE summary_json IS NOT NULL").fetchone()[0]),
                "strict": db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND sql LIKE '%STRICT%'").fetchone()[0],
            }, sort_keys=True))
            """
        let result = try Python.run(script, [folder.journalPath])
        #expect(result.status == 0)
        let expected =
            #"{"hash_matches": true, "mode": "wal", "states": {"done": 1, "leased": 1, "queued": 1}, "strict": 7, "#
            + #""summary": {"status": "completed"}, "trace": "step,loss\n0,1.5\n", "version": \#(Schema.version)}"#
        #expect(result.output == expected + "\n")
    }

    @Test(
        "kill -9 of a writer mid-loop: the journal opens sound and holds every acknowledged commit",
        .enabled(if: Python.isAvailable, "python3 with sqlite3 not found on PATH: kill -9 test skipped"))
    func killNineDurability() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let taskCount = 2000
        do {
            let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
            try journal.synchronize(Array(1...taskCount))
            try journal.close(now: 0)
        }
        // A writer that completes tasks the way the coordinator does (one transaction each: the
        // result in the task's row, with a run file's text beside it for the transaction's size,
        // as journals of version 4 kept it) and acknowledges each commit on stdout, until killed.
        let script = """
            import fcntl, os, sqlite3, sys
            lock = open(sys.argv[1] + ".lock", "a")
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("PRAGMA synchronous = FULL")
            db.execute("INSERT OR REPLACE INTO coordinator_lock VALUES (1, ?, 'killed', 0.0, 0.0)", (os.getpid(),))
            trace = "step,loss\\n" + "".join("%d,%r\\n" % (i, 1.0 / (i + 1)) for i in range(200))
            for (key,) in db.execute("SELECT key FROM task WHERE state = 'queued' ORDER BY ordinal").fetchall():
                db.execute("BEGIN IMMEDIATE")
                db.execute("INSERT INTO run_file VALUES (?, 'trace.csv', ?)", (key, trace))
                db.execute(
                    "UPDATE task SET state = 'done', attempts = 1, finished = 1.0, summary_json = '{}', received = 1.0,"
                    " resumed_from_checkpoint = 0 WHERE key = ?", (key,))
                db.execute("COMMIT")
                print(key)
            sys.stdin.read()
            """
        let (process, output, input) = try Python.start(script, [folder.journalPath])
        defer { try? input.close() }
        let acknowledgements = LineReader(output)
        _ = acknowledgements.lines { $0.count >= 40 }
        kill(process.processIdentifier, SIGKILL)
        #expect(process.exit(within: 60) == .signaled(SIGKILL))
        // A printed key is a committed transaction; read them all up to the end of the pipe.
        let acknowledged = acknowledgements.lines { _ in false }

        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 5)
        #expect(try journal.integrityProblems() == [])
        #expect(try journal.events().last?.kind == .coordinatorTakeover)
        let done = try journal.tasks().filter { $0.state == .done }
        let doneKeys = Set(done.map(\.key))
        #expect(acknowledged.count >= 40)
        #expect(acknowledged.allSatisfy(doneKeys.contains))
        #expect(done.count < taskCount)  // the kill did land mid-loop
        #expect(done.count <= acknowledged.count + 1)  // at most one commit not yet acknowledged
        for task in done {
            #expect(task.summaryJSON == "{}")
            #expect(try journal.file(taskKey: task.key, name: "trace.csv")?.hasPrefix("step,loss\n0,1.0\n") == true)
        }
        // The journal goes on: the next lease is the first task the killed writer did not finish.
        let next = try #require(try journal.lease(worker: "w", now: 6, leaseDuration: 10))
        #expect(next.taskKey == taskKey(done.count + 1))
    }

    @Test("Garbage bytes instead of a journal: a one-line error on open, not a crash")
    func garbageFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var generator = SystemRandomNumberGenerator()
        let garbage = Data((0..<65_536).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try garbage.write(to: URL(fileURLWithPath: folder.journalPath))

        for open in [
            { try SweepJournal.openAsCoordinator(path: folder.journalPath) },
            { try SweepJournal.openReadOnly(path: folder.journalPath) },
        ] {
            let error = #expect(throws: JournalError.self) { try open() }
            guard case .notAJournal? = error else {
                Issue.record("expected notAJournal, got \(String(describing: error))")
                continue
            }
            let message = error?.description ?? ""
            #expect(message.contains(folder.journalPath))
            #expect(!message.contains("\n"))
        }
        // The refused coordinator left no lock behind: a repaired file opens.
        try FileManager.default.removeItem(atPath: folder.journalPath)
        #expect(try SweepJournal.openAsCoordinator(path: folder.journalPath).counts() == StateCounts())
    }

    @Test("Garbage over the pages after the header: reported as damage on open")
    func garbageInsideJournal() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        do {
            let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
            try journal.synchronize(Array(1...300))
            try journal.close(now: 1)
        }
        let file = try FileHandle(forUpdating: URL(fileURLWithPath: folder.journalPath))
        let size = try file.seekToEnd()
        #expect(size > 8 * 4096)
        try file.seek(toOffset: 4096)  // keep page 1 (header and schema), smash the rest
        try file.write(contentsOf: Data(repeating: 0xA5, count: Int(size) - 4096))
        try file.close()

        let error = #expect(throws: JournalError.self) {
            try SweepJournal.openAsCoordinator(path: folder.journalPath)
        }
        let message = error?.description ?? ""
        #expect(message.contains(folder.journalPath) && !message.contains("\n"))
        switch error {
        case .damaged?, .notAJournal?: break
        default: Issue.record("expected damaged or notAJournal, got \(String(describing: error))")
        }
    }
}
