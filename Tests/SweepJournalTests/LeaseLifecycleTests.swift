import Foundation
import Testing
@testable import SweepJournal

@Suite("Leases, results and attempts")
struct LeaseLifecycleTests {
    @Test("lease ids: 32 lowercase hex digits, growing in the order made (13 of time), the rest random")
    func leaseIDsGrowAndDiffer() {
        let ids = (0..<10_000).map { _ in SweepJournal.newLeaseID() }
        #expect(ids.allSatisfy { $0.count == 32 && $0.allSatisfy { "0123456789abcdef".contains($0) } })
        #expect(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 }, "not growing")
        #expect(Set(ids.map { $0.prefix(13) }).count == ids.count, "a time count repeated")
        // The clock's microseconds lead: the first id's count is within a minute of now.
        let micros = Double(UInt64(ids[0].prefix(13), radix: 16) ?? 0)
        #expect(abs(micros / 1_000_000 - Date().timeIntervalSince1970) < 60)
        // The random 19 digits: all 16 hex digits appear in each of their positions.
        for position in 13..<32 {
            let digits = Set(ids.map { Array($0)[position] })
            #expect(digits.count == 16, "position \(position): \(digits.count) distinct digits")
        }
    }

    @Test("A sweep from queued to finished: grid order, files, counts, durations and ETA")
    func fullLifecycle() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        #expect(try journal.synchronize([7, 3, 5], now: 1) == SynchronizationCounts(added: 3, kept: 0, staled: 0, revived: 0))
        #expect(try journal.counts() == StateCounts(queued: 3))
        #expect(try journal.isFinished() == false)

        let first = try #require(try journal.lease(worker: "w1", now: 100, leaseDuration: 10))
        #expect(first.taskKey == taskKey(7))  // grid order, not key order
        #expect(first.attempt == 1)
        #expect(first.configJSON == #"{"train":{"lr":7}}"#)
        #expect(first.deadline == 110)
        let second = try #require(try journal.lease(worker: "w2", now: 100, leaseDuration: 10))
        #expect(second.taskKey == taskKey(3))
        #expect(second.leaseID != first.leaseID)
        #expect(try journal.counts() == StateCounts(queued: 1, leased: 2))

        #expect(try journal.renew([first.leaseID: 115]).isEmpty)
        #expect(try journal.task(key: first.taskKey)?.leaseDeadline == 115)
        #expect(try journal.expireLeases(now: 112, maxAttempts: 3) == [second.taskKey])  // only the unrenewed one

        let trace = "step,loss,accuracy,grad_norm,sharpness,sharpness_at\n0,1.5,0.5,2.0,,\n"
        #expect(
            try journal.complete(
                taskKey: first.taskKey, leaseID: first.leaseID, summaryJSON: #"{"status":"completed"}"#,
                files: ["trace.csv": trace, "beta.csv": "s,t,beta\n"], resumed: true, now: 113)
                == .accepted)
        let done = try #require(try journal.task(key: first.taskKey))
        #expect(done.state == .done)
        #expect(done.attempts == 1)
        #expect(done.worker == "w1")
        #expect(done.summaryJSON == #"{"status":"completed"}"#)
        #expect(done.resumedFromCheckpoint == true)
        #expect(try journal.files(taskKey: first.taskKey) == ["trace.csv": trace, "beta.csv": "s,t,beta\n"])
        #expect(try journal.file(taskKey: first.taskKey, name: "trace.csv") == trace)
        #expect(try journal.file(taskKey: first.taskKey, name: "track.csv") == nil)

        var leased: [String] = []
        while let lease = try journal.lease(worker: "w3", now: 200, leaseDuration: 10) {
            leased.append(lease.taskKey)
            #expect(
                try journal.complete(
                    taskKey: lease.taskKey, leaseID: lease.leaseID, summaryJSON: "{}",
                    files: [:], resumed: false, now: 230) == .accepted)
        }
        #expect(leased == [taskKey(3), taskKey(5)])  // the expired task went back in grid order
        #expect(try journal.counts() == StateCounts(done: 3))
        #expect(try journal.isFinished())
        #expect(try journal.tasks().map(\.key) == [taskKey(7), taskKey(3), taskKey(5)])
        #expect(try journal.task(key: taskKey(3))?.attempts == 2)  // one expiry + one result

        // Durations: 113 − 100 and twice 230 − 200.
        let progress = try journal.progress(activeWorkers: 2)
        let expectedAverage: Double = (13 + 30 + 30) / 3
        #expect(progress.averageTaskDuration == expectedAverage)
        #expect(progress.remaining == 0)
        #expect(progress.estimatedTimeRemaining == 0)

        let kinds = try journal.events().map(\.kind)
        #expect(kinds.first == .coordinatorStarted)
        #expect(kinds.filter { $0 == .taskLeased }.count == 4)
        #expect(kinds.filter { $0 == .taskCompleted }.count == 3)
        #expect(kinds.filter { $0 == .leaseExpired }.count == 1)
    }

    @Test("ETA: the remaining tasks in rounds of the active workers")
    func estimatedTimeRemaining() {
        #expect(Progress(averageTaskDuration: 20, remaining: 5, activeWorkers: 2).estimatedTimeRemaining == 60)
        #expect(Progress(averageTaskDuration: 20, remaining: 4, activeWorkers: 2).estimatedTimeRemaining == 40)
        #expect(Progress(averageTaskDuration: nil, remaining: 4, activeWorkers: 2).estimatedTimeRemaining == nil)
        #expect(Progress(averageTaskDuration: 20, remaining: 4, activeWorkers: 0).estimatedTimeRemaining == nil)
    }

    @Test("Exactly-once: a late result is accepted once, duplicates and old holders are ignored")
    func exactlyOnce() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        try journal.synchronize([1])
        let old = try #require(try journal.lease(worker: "slow", now: 0, leaseDuration: 5))
        #expect(try journal.expireLeases(now: 6, maxAttempts: 3) == [old.taskKey])
        let new = try #require(try journal.lease(worker: "fast", now: 7, leaseDuration: 5))
        #expect(new.attempt == 2)

        // The old holder can neither renew, fail nor give back the new lease.
        #expect(try journal.renew([old.leaseID: 13]) == [old.leaseID])
        #expect(try journal.fail(taskKey: old.taskKey, leaseID: old.leaseID, error: "x", maxAttempts: 3, now: 8) == .ignored)
        #expect(try journal.giveBack(taskKey: old.taskKey, leaseID: old.leaseID, reason: "SIGTERM", now: 8) == false)
        #expect(try journal.task(key: old.taskKey)?.state == .leased)
        #expect(try journal.task(key: old.taskKey)?.worker == "fast")

        // The late result of the expired lease wins: the task is not done yet.
        #expect(
            try journal.complete(
                taskKey: old.taskKey, leaseID: old.leaseID, summaryJSON: #"{"by":"slow"}"#,
                files: ["trace.csv": "slow"], resumed: false, now: 9) == .acceptedLate)
        // The current holder's result, and a resend of the first, come second: ignored.
        #expect(
            try journal.complete(
                taskKey: new.taskKey, leaseID: new.leaseID, summaryJSON: #"{"by":"fast"}"#,
                files: ["trace.csv": "fast"], resumed: false, now: 10) == .duplicate)
        #expect(
            try journal.complete(
                taskKey: old.taskKey, leaseID: old.leaseID, summaryJSON: #"{"by":"slow"}"#,
                files: ["trace.csv": "slow"], resumed: false, now: 11) == .duplicate)
        #expect(
            try journal.complete(
                taskKey: taskKey(99), leaseID: new.leaseID, summaryJSON: "{}",
                files: [:], resumed: false, now: 11) == .unknownTask)

        let task = try #require(try journal.task(key: old.taskKey))
        #expect(task.state == .done)
        #expect(task.summaryJSON == #"{"by":"slow"}"#)
        #expect(task.attempts == 1)  // the slow attempt was counted by its expiry, the fast one never ended
        #expect(try journal.files(taskKey: old.taskKey) == ["trace.csv": "slow"])
        #expect(try journal.renew([new.leaseID: 17]) == [new.leaseID])
        #expect(try journal.lease(worker: "fast", now: 12, leaseDuration: 5) == nil)

        let kinds = try journal.events(taskKey: old.taskKey).map(\.kind)
        #expect(kinds.filter { $0 == .lateResult }.count == 1)
        #expect(kinds.filter { $0 == .duplicateResult }.count == 2)
        #expect(kinds.filter { $0 == .foreignLeaseIgnored }.count == 2)
        #expect(try journal.events().contains { $0.kind == .unknownResult && $0.taskKey == taskKey(99) })
    }

    @Test("FAILs and expiries count attempts, give-backs do not; max_attempts fails the task with its last error")
    func attemptCounting() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        try journal.synchronize([1, 2])
        let key = taskKey(1)

        let a = try #require(try journal.lease(worker: "w", now: 0, leaseDuration: 5))
        #expect(a.taskKey == key && a.attempt == 1)
        #expect(
            try journal.fail(taskKey: key, leaseID: a.leaseID, error: "out of memory", maxAttempts: 3, now: 1)
                == .requeued(attempts: 1))
        #expect(try journal.task(key: key)?.lastError == "out of memory")

        let b = try #require(try journal.lease(worker: "w", now: 2, leaseDuration: 5))
        #expect(b.taskKey == key && b.attempt == 2)
        #expect(try journal.giveBack(taskKey: key, leaseID: b.leaseID, reason: "SIGTERM", now: 3))
        #expect(try journal.task(key: key)?.attempts == 1)
        #expect(try journal.task(key: key)?.state == .queued)

        let c = try #require(try journal.lease(worker: "w", now: 4, leaseDuration: 5))
        #expect(c.taskKey == key && c.attempt == 2)
        #expect(try journal.expireLeases(now: 9.5, maxAttempts: 3) == [key])
        #expect(try journal.task(key: key)?.attempts == 2)

        let d = try #require(try journal.lease(worker: "w", now: 10, leaseDuration: 5))
        #expect(d.taskKey == key && d.attempt == 3)
        #expect(
            try journal.fail(taskKey: key, leaseID: d.leaseID, error: "NaN in LAPACK", maxAttempts: 3, now: 11)
                == .failed(attempts: 3))
        let failed = try #require(try journal.task(key: key))
        #expect(failed.state == .failed)
        #expect(failed.lastError == "NaN in LAPACK")
        #expect(failed.summaryJSON == nil)

        // The other task reaches max_attempts by expiry alone.
        let e = try #require(try journal.lease(worker: "v", now: 20, leaseDuration: 5))
        #expect(e.taskKey == taskKey(2))
        #expect(try journal.expireLeases(now: 24, maxAttempts: 1) == [])  // deadline not passed yet
        #expect(try journal.expireLeases(now: 26, maxAttempts: 1) == [taskKey(2)])
        let expired = try #require(try journal.task(key: taskKey(2)))
        #expect(expired.state == .failed)
        #expect(expired.lastError?.contains("lease expired") == true)
        #expect(expired.lastError?.contains("v") == true)

        #expect(try journal.lease(worker: "w", now: 30, leaseDuration: 5) == nil)
        #expect(try journal.isFinished())
        #expect(try journal.counts() == StateCounts(failed: 2))
        let kinds = try journal.events(taskKey: key).map(\.kind)
        #expect(
            kinds == [
                .taskLeased, .attemptFailed, .taskLeased, .taskGivenBack, .taskLeased, .leaseExpired,
                .taskLeased, .taskFailed,
            ])
    }
}
