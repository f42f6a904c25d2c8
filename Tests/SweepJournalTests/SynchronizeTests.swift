import Foundation
import Testing
@testable import SweepJournal

@Suite("Synchronizing the journal with an edited grid")
struct SynchronizeTests {
    /// Leases and completes every queued task; returns the numbers of the tasks it ran.
    private func runAll(_ journal: SweepJournal, now: Double) throws -> [Int] {
        var ran: [Int] = []
        while let lease = try journal.lease(worker: "w", now: now, leaseDuration: 60) {
            ran.append(Int(lease.taskKey, radix: 16) ?? -1)
            _ = try journal.complete(
                taskKey: lease.taskKey, leaseID: lease.leaseID, summaryJSON: #"{"n":\#(ran.last!)}"#,
                files: [:], resumed: false, now: now + 1)
        }
        return ran
    }

    @Test("Added, kept, staled and revived tasks; a done task is never run again")
    func editedGrid() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        #expect(try journal.synchronize([1, 2, 3]) == SynchronizationCounts(added: 3, kept: 0, staled: 0, revived: 0))
        let one = try #require(try journal.lease(worker: "w", now: 1, leaseDuration: 60))
        _ = try journal.complete(
            taskKey: one.taskKey, leaseID: one.leaseID, summaryJSON: #"{"n":1}"#,
            files: ["trace.csv": "step\n0\n"], resumed: false, now: 2)
        let two = try #require(try journal.lease(worker: "w", now: 3, leaseDuration: 60))
        #expect(
            try journal.fail(taskKey: two.taskKey, leaseID: two.leaseID, error: "boom", maxAttempts: 1, now: 4)
                == .failed(attempts: 1))

        // Edit: drop 2, add 4 in front.
        #expect(try journal.synchronize([4, 1, 3], now: 10) == SynchronizationCounts(added: 1, kept: 2, staled: 1, revived: 0))
        let staleTwo = try #require(try journal.task(key: taskKey(2)))
        #expect(staleTwo.state == .stale)
        #expect(staleTwo.staleFrom == .failed)
        #expect(try journal.counts() == StateCounts(queued: 2, done: 1, stale: 1))
        #expect(try journal.tasks().map(\.key) == [4, 1, 3, 2].map(taskKey))  // grid order, stale last

        // Back to the first grid plus 4: 2 returns to the queue with a fresh attempt count.
        #expect(try journal.synchronize([1, 2, 3, 4], now: 20) == SynchronizationCounts(added: 0, kept: 3, staled: 0, revived: 1))
        let revived = try #require(try journal.task(key: taskKey(2)))
        #expect(revived.state == .queued)
        #expect(revived.attempts == 0)
        #expect(revived.lastError == nil)
        #expect(try runAll(journal, now: 30) == [2, 3, 4])  // 1 is done: never run again

        // Drop every done task, then bring them back: they return as done with their results.
        #expect(try journal.synchronize([5], now: 40) == SynchronizationCounts(added: 1, kept: 0, staled: 4, revived: 0))
        #expect(try journal.task(key: taskKey(1))?.summaryJSON == #"{"n":1}"#)
        #expect(try journal.synchronize([1, 2, 3, 4, 5], now: 50) == SynchronizationCounts(added: 0, kept: 1, staled: 0, revived: 4))
        #expect(try journal.counts() == StateCounts(queued: 1, done: 4))
        #expect(try journal.file(taskKey: taskKey(1), name: "trace.csv") == "step\n0\n")
        #expect(try runAll(journal, now: 60) == [5])
        #expect(try journal.sweep()?.updated == 50)
        #expect(try journal.sweep()?.created == 0)
    }

    @Test("A leased task that leaves the grid loses its lease but keeps a late result")
    func leasedTaskStaled() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        try journal.synchronize([1, 2])
        let lease = try #require(try journal.lease(worker: "w", now: 0, leaseDuration: 60))
        #expect(try journal.synchronize([2], now: 1) == SynchronizationCounts(added: 0, kept: 1, staled: 1, revived: 0))
        #expect(try journal.renew([lease.leaseID: 62]) == [lease.leaseID])
        #expect(try journal.expireLeases(now: 1000, maxAttempts: 1) == [])
        #expect(
            try journal.complete(
                taskKey: lease.taskKey, leaseID: lease.leaseID, summaryJSON: "{}",
                files: [:], resumed: false, now: 3) == .acceptedLate)
        #expect(try journal.state(1) == .stale)
        #expect(try journal.task(key: taskKey(1))?.staleFrom == .done)
        #expect(try journal.task(key: taskKey(1))?.summaryJSON == "{}")
        #expect(try journal.synchronize([1, 2], now: 4) == SynchronizationCounts(added: 0, kept: 1, staled: 0, revived: 1))
        #expect(try journal.state(1) == .done)
    }

    @Test("Another sweep's name, malformed and repeated keys are refused without changing the journal")
    func refusals() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        try journal.synchronize([1])
        #expect(throws: JournalError.otherSweep(path: folder.journalPath, journalSweep: "test", requested: "other")) {
            try journal.synchronize(sweepName: "other", specText: "", toolVersion: "0.1.0", tasks: [gridTask(2)], now: 1)
        }
        let upper = (key: String(repeating: "A", count: 64), configJSON: "{}", gridJSON: "{}")
        #expect(throws: JournalError.self) {
            try journal.synchronize(sweepName: "test", specText: "", toolVersion: "0.1.0", tasks: [upper], now: 1)
        }
        #expect(throws: JournalError.self) {
            try journal.synchronize(
                sweepName: "test", specText: "", toolVersion: "0.1.0",
                tasks: [gridTask(2), gridTask(2)], now: 1)
        }
        #expect(try journal.tasks().map(\.key) == [taskKey(1)])
        #expect(try journal.sweep()?.specText == "[sweep]\nname = \"test\"\n")
    }
}
