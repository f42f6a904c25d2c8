import Foundation
import Testing
@testable import SweepJournal

@Suite("Group commit: many changes, one transaction")
struct GroupCommitTests {
    @Test("a batch of leases and results is one commit; reads inside it see its changes; a reader outside sees none until it commits")
    func batchIsOneCommit() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        defer { try? journal.close(now: 9) }
        try journal.synchronize(Array(1...50))
        let reader = try SweepJournal.openReadOnly(path: folder.journalPath)
        let before = journal.transactionsCommitted
        try journal.batch { () throws(JournalError) in
            for i in 0..<50 {
                guard let lease = try journal.lease(worker: "w\(i)", now: 1, leaseDuration: 3) else {
                    Issue.record("no task to lease")
                    return
                }
                let state = try journal.task(key: lease.taskKey)?.state
                #expect(state == .leased)  // seen inside the batch
                if i % 2 == 0 {
                    let outcome = try journal.complete(
                        taskKey: lease.taskKey, leaseID: lease.leaseID, summaryJSON: "{}", files: [:], resumed: false, now: 2)
                    #expect(outcome == .accepted)
                }
            }
            let outside = try reader.counts()
            #expect(outside == StateCounts(queued: 50))  // not committed yet
        }
        #expect(journal.transactionsCommitted == before + 1)
        #expect(try reader.counts() == StateCounts(leased: 25, done: 25))
        // A batch without a change commits nothing to disk.
        try journal.batch { () throws(JournalError) in _ = try journal.counts() }
        #expect(journal.transactionsCommitted == before + 1)
    }

    @Test("a batch that throws leaves the journal as it was: none of its changes is kept")
    func failedBatchRollsBack() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        defer { try? journal.close(now: 9) }
        try journal.synchronize([1, 2, 3])
        #expect(throws: JournalError.self) {
            try journal.batch { () throws(JournalError) in
                _ = try journal.lease(worker: "w", now: 1, leaseDuration: 3)
                _ = try journal.lease(worker: "w", now: 1, leaseDuration: 3)
                throw JournalError.readOnly(path: "stop here")
            }
        }
        #expect(try journal.counts() == StateCounts(queued: 3))
        #expect(try journal.events().filter { $0.kind == .taskLeased }.isEmpty)
        // A failing change inside a batch is undone alone (its savepoint); the others commit.
        try journal.batch { () throws(JournalError) in
            _ = try journal.lease(worker: "w", now: 1, leaseDuration: 3)
            #expect(throws: JournalError.self) {
                try journal.write { db in
                    try db.execute(sql: "UPDATE task SET state = 'queued' WHERE state = 'done'")
                    try db.execute(sql: "INSERT INTO task (key) VALUES ('not a key')")
                }
            }
        }
        #expect(try journal.counts() == StateCounts(queued: 2, leased: 1))
    }

    @Test("leases by id: the current ones with their session, expired by id with an attempt each")
    func currentLeasesAndExpiryByID() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        defer { try? journal.close(now: 9) }
        try journal.synchronize([1, 2, 3])
        let session = String(repeating: "ab", count: 16)
        let a = try #require(try journal.lease(worker: "a", session: session, now: 1, leaseDuration: 6))
        let b = try #require(try journal.lease(worker: "b", now: 1, leaseDuration: 6))
        #expect(try journal.currentLeases() == [a, b])
        #expect(try journal.currentLeases().map(\.session) == [session, nil])
        #expect(try journal.expire(leaseIDs: [b.leaseID, "0000000000000000ffffffffffffffff"], now: 2, maxAttempts: 3) == [b.taskKey])
        let expired = try #require(try journal.task(key: b.taskKey))
        #expect(expired.state == .queued && expired.attempts == 1)
        #expect(try journal.currentLeases() == [a])
        #expect(try journal.expire(leaseIDs: [b.leaseID], now: 3, maxAttempts: 3).isEmpty)  // no longer current
    }
}
