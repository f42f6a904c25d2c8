import Configuration
import Foundation
import Testing
@testable import SweepJournal

@Suite("Task files written on their own thread, and restored by a redelivered result")
struct BackgroundTaskFileTests {
    @Test("after writeTaskFilesInBackground, the files a batch queues are all in their folders when it commits")
    func queuedWrites() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        defer { try? journal.close(now: 9) }
        try journal.synchronize(Array(1...40))
        journal.writeTaskFilesInBackground()
        let keys = try journal.batch { () throws(JournalError) in
            var keys: [String] = []
            for step in 1...40 {
                guard let lease = try journal.lease(worker: "w", now: 1, leaseDuration: 3) else { break }
                let trace = "step\n" + (0...step * 50).map(String.init).joined(separator: "\n") + "\n"
                _ = try journal.complete(
                    taskKey: lease.taskKey, leaseID: lease.leaseID, summaryJSON: "{}", files: ["trace.csv": trace],
                    resumed: false, now: 2)
                keys.append(lease.taskKey)
            }
            return keys
        }
        #expect(keys.count == 40)
        for (index, key) in keys.enumerated() {
            let trace = "step\n" + (0...(index + 1) * 50).map(String.init).joined(separator: "\n") + "\n"
            #expect(try journal.file(taskKey: key, name: "trace.csv") == trace)
        }
        #expect(try journal.counts().done == 40)
    }

    @Test("a redelivered result writes back the recorded files that are missing, and never a file of other content")
    func duplicateRestoresMissingFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        defer { try? journal.close(now: 9) }
        try journal.synchronize([1])
        let lease = try #require(try journal.lease(worker: "w", now: 1, leaseDuration: 3))
        let files = ["trace.csv": "step\n0\n1\n", "beta.csv": "s,beta\n"]
        #expect(
            try journal.complete(
                taskKey: lease.taskKey, leaseID: lease.leaseID, summaryJSON: "{}", files: files, resumed: false, now: 2) == .accepted)
        let taskFolder = folder.url.appendingPathComponent("tasks/\(lease.taskKey)").path
        // A crash (or a power cut) kept both files from the disk after the commit.
        try FileManager.default.removeItem(atPath: taskFolder)
        #expect(try journal.files(taskKey: lease.taskKey).isEmpty)

        // A redelivery with other content restores nothing: only the recorded content counts.
        let forged = ["trace.csv": "step\n0\n2\n", "beta.csv": "s,beta\n"]
        #expect(
            try journal.complete(
                taskKey: lease.taskKey, leaseID: lease.leaseID, summaryJSON: "{}", files: forged, resumed: false, now: 3)
                == .duplicate)
        #expect(try journal.file(taskKey: lease.taskKey, name: "trace.csv") == nil)
        #expect(try journal.file(taskKey: lease.taskKey, name: "beta.csv") == "s,beta\n")

        // The worker's own redelivery brings the rest back.
        #expect(
            try journal.complete(
                taskKey: lease.taskKey, leaseID: lease.leaseID, summaryJSON: "{}", files: files, resumed: false, now: 4) == .duplicate)
        #expect(try journal.files(taskKey: lease.taskKey) == files)
        #expect(try journal.events().filter { $0.kind == .duplicateResult }.count == 2)
    }

    @Test("a batch whose queued files cannot be written does not commit: the result stays unrecorded, the error names the path")
    func failedWriteRollsBack() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        defer { try? journal.close(now: 9) }
        try journal.synchronize([1])
        journal.writeTaskFilesInBackground()
        // A plain file where the tasks/ folder belongs: no task folder can be made under it.
        try "not a folder".write(to: folder.url.appendingPathComponent("tasks"), atomically: false, encoding: .utf8)
        let lease = try #require(try journal.lease(worker: "w", now: 1, leaseDuration: 3))
        let error = #expect(throws: JournalError.self) {
            try journal.batch { () throws(JournalError) in
                _ = try journal.complete(
                    taskKey: lease.taskKey, leaseID: lease.leaseID, summaryJSON: "{}", files: ["trace.csv": "x\n"], resumed: false,
                    now: 2)
            }
        }
        guard case .taskFiles(let path, _) = error else {
            Issue.record("expected a taskFiles error, got \(String(describing: error))")
            return
        }
        #expect(path.contains("tasks/\(lease.taskKey)"))
        let task = try #require(try journal.task(key: lease.taskKey))
        #expect(task.state == .leased)
        #expect(task.summaryJSON == nil)
        // Once the folder can be made, the next batch records the result (the failure was reported once).
        try FileManager.default.removeItem(at: folder.url.appendingPathComponent("tasks"))
        let outcome = try journal.batch { () throws(JournalError) in
            try journal.complete(
                taskKey: lease.taskKey, leaseID: lease.leaseID, summaryJSON: "{}", files: ["trace.csv": "x\n"], resumed: false, now: 3)
        }
        #expect(outcome == .accepted)
        #expect(try journal.file(taskKey: lease.taskKey, name: "trace.csv") == "x\n")
    }
}
