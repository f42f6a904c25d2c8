import Foundation
import SweepCoordinator
import SweepJournal
import SweepProtocol
import Testing

/// A lease belongs to the connection it was handed to; a hostile peer on the same socket can take
/// tasks like any worker, but can neither complete, renew, fail nor give back another's lease.
@Suite("Lease ownership against a hostile peer, fake clock")
struct LeaseOwnershipTests {
    /// A token no one was given.
    static let forgedToken = String(repeating: "5a", count: 16)

    func events(_ h: Harness, _ kind: JournalEvent.Kind) throws -> [JournalEvent] {
        try h.journal.events().filter { $0.kind == kind }
    }

    @Test("lease tokens on the wire are 32 lowercase hex digits, different for every lease")
    func tokensAreUnguessable() throws {
        let h = try Harness(tasks: 20)
        defer { h.remove() }
        var tokens: Set<String> = []
        for i in 0..<20 {
            let task = try #require(assignment(try h.ready("w\(i)", at: 0), to: "w\(i)"))
            #expect(task.leaseID.count == 32 && task.leaseID.allSatisfy { $0.isHexDigit && !$0.isUppercase })
            tokens.insert(task.leaseID)
        }
        #expect(tokens.count == 20)
    }

    @Test("a RESULT for a queued task under a forged lease, or under a lease of another task, is refused and journaled")
    func forgedResultIsRefused() throws {
        let h = try Harness(tasks: 3)
        defer { h.remove() }
        let real = try #require(assignment(try h.ready("a", at: 0), to: "a"))
        // Forged token for a queued task: refused, not ACKed.
        let forged = WorkerMessage.result(
            .init(
                leaseID: Self.forgedToken, taskKey: h.keys[2], attempt: 1,
                summary: #"{"status":"completed","forged":true}"#, files: [:],
                resumedFromCheckpoint: false))
        let refused = try h.send(forged, from: "evil", at: 1)
        #expect(!messages(refused, to: "evil").contains(.ack(taskKey: h.keys[2])))
        #expect(logs(refused).contains { $0.contains("refused") })
        #expect(try h.state(h.keys[2]) == .queued)
        // A token the peer really was given, but for another task: refused too.
        let own = try #require(assignment(try h.ready("evil", at: 1), to: "evil"))
        #expect(own.taskKey == h.keys[1])
        _ = try h.send(
            .result(
                .init(
                    leaseID: own.leaseID, taskKey: real.taskKey, attempt: 1, summary: "{}", files: [:],
                    resumedFromCheckpoint: false)), from: "evil", at: 2)
        #expect(try h.state(real.taskKey) == .leased)
        #expect(try events(h, .refusedResult).count == 2)
        // The real worker's result is recorded as the task's one.
        #expect(messages(try h.send(h.result(real), from: "a", at: 3), to: "a") == [.ack(taskKey: real.taskKey)])
        let record = try #require(try h.journal.task(key: real.taskKey))
        #expect(record.state == .done && record.summaryJSON == #"{"status":"completed"}"#)
        #expect(try h.journal.events(taskKey: real.taskKey).contains { $0.kind == .taskCompleted })
    }

    @Test("HEARTBEAT, RESULT, FAIL and RETURN naming another live worker's lease are ignored; its own result counts")
    func stolenLeaseIsRefused() throws {
        let h = try Harness(tasks: 2)
        defer { h.remove() }
        let real = try #require(assignment(try h.ready("a", at: 0), to: "a"))
        let progress = WorkerMessage.Progress(taskKey: real.taskKey, leaseID: real.leaseID, step: 1, totalSteps: 9, phase: "gd")
        // Even with the real token (leaked, sniffed on an --insecure network), another connection gets nowhere.
        let stolen = try h.send(.heartbeat(progress), from: "evil", at: 1)
        #expect(logs(stolen).contains { $0.contains("does not hold") })
        let next = try #require(assignment(try h.ready("evil", at: 1.1), to: "evil"))
        #expect(next.taskKey != real.taskKey)  // the stolen heartbeat did not move the lease
        _ = try h.send(.fail(.init(leaseID: real.leaseID, taskKey: real.taskKey, error: "x")), from: "evil", at: 1.2)
        _ = try h.send(.return(.init(leaseID: real.leaseID, taskKey: real.taskKey, reason: "x")), from: "evil", at: 1.3)
        let result = try h.send(h.result(real, summary: #"{"by":"evil"}"#), from: "evil", at: 1.4)
        #expect(!messages(result, to: "evil").contains(.ack(taskKey: real.taskKey)))
        let leased = try #require(try h.journal.task(key: real.taskKey))
        #expect(leased.state == .leased && leased.worker == "a" && leased.attempts == 0)
        #expect(try events(h, .foreignLeaseIgnored).count == 3 && events(h, .refusedResult).count == 1)

        _ = try h.send(
            .heartbeat(.init(taskKey: real.taskKey, leaseID: real.leaseID, step: 5, totalSteps: 9, phase: "gd")),
            from: "a", at: 2)
        #expect(h.machine.running.contains { $0.taskKey == real.taskKey && $0.worker == "a" && $0.step == 5 })
        #expect(messages(try h.send(h.result(real), from: "a", at: 3), to: "a") == [.ack(taskKey: real.taskKey)])
        let done = try #require(try h.journal.task(key: real.taskKey))
        #expect(done.state == .done && done.summaryJSON == #"{"status":"completed"}"#)
        #expect(try h.journal.events(taskKey: real.taskKey).contains { $0.kind == .taskCompleted })
    }

    @Test("a worker that reconnects (new routing id) after its old connection went quiet keeps its lease and its result counts")
    func reconnectedWorkerKeepsItsLease() throws {
        let h = try Harness(tasks: 2)
        defer { h.remove() }
        let task = try #require(assignment(try h.ready("a", at: 0), to: "a"))
        _ = try h.send(.heartbeat(nil), from: "a", at: 0.5)
        // 2.6 s later (over two heartbeat intervals of silence) the same worker speaks from a new socket.
        let progress = WorkerMessage.Progress(taskKey: task.taskKey, leaseID: task.leaseID, step: 7, totalSteps: 9, phase: "gd")
        #expect(logs(try h.send(.heartbeat(progress), from: "a-reconnected", at: 2.6)).allSatisfy { !$0.contains("does not hold") })
        #expect(h.machine.running.contains { $0.taskKey == task.taskKey && $0.step == 7 })
        _ = try h.tick(2.7)
        #expect(h.machine.deadline(ofLease: task.leaseID) == 2.6 + h.settings.leaseDuration)
        // The old connection lost the lease: its messages no longer count.
        _ = try h.send(.fail(.init(leaseID: task.leaseID, taskKey: task.taskKey, error: "x")), from: "a", at: 2.8)
        #expect(try h.state(task.taskKey) == .leased)
        #expect(
            messages(try h.send(h.result(task), from: "a-reconnected", at: 3), to: "a-reconnected")
                .contains(.ack(taskKey: task.taskKey)))
        #expect(try h.journal.events(taskKey: task.taskKey).contains { $0.kind == .taskCompleted })
    }

    @Test("READY from a connection that holds a lease: its TASK again from memory, no journal transaction")
    func readyFromHolderIsAnsweredFromMemory() throws {
        let h = try Harness(tasks: 3)
        defer { h.remove() }
        let task = try #require(assignment(try h.ready("a", at: 0), to: "a"))
        let before = h.journal.transactionsCommitted
        for i in 1...50 {
            let again = try h.ready("a", at: Double(i) * 0.01)
            #expect(assignment(again, to: "a") == task)
        }
        #expect(h.journal.transactionsCommitted == before)
        #expect(try h.journal.counts() == StateCounts(queued: 2, leased: 1))
        // Renewing the holder's lease is a change in memory: on tick the journal gets nothing (no
        // progress reported yet, so no progress row either), not the deadline.
        _ = try h.tick(0.6)
        #expect(h.journal.transactionsCommitted == before)
        #expect(h.machine.deadline(ofLease: task.leaseID) == 0.5 + h.settings.leaseDuration)
        #expect(try h.journal.task(key: task.taskKey)?.leaseDeadline == 2 * h.settings.leaseDuration)
    }

    @Test(
        "a heartbeat-only worker stays alive; its deadline reaches the journal once per lease duration, never before the one in memory"
    )
    func coarseRenewal() throws {
        let h = try Harness(tasks: 1)
        defer { h.remove() }
        let task = try #require(assignment(try h.ready("a", at: 0), to: "a"))
        let before = h.journal.transactionsCommitted
        var written: [Double] = []
        for step in 1...120 {
            let t = Double(step) * 0.25
            if step % 4 == 0 { _ = try h.send(.heartbeat(nil), from: "a", at: t) }  // every second
            _ = try h.tick(t)
            let journal = try #require(try h.journal.task(key: task.taskKey)?.leaseDeadline)
            let memory = try #require(h.machine.deadline(ofLease: task.leaseID))
            #expect(journal >= memory, "at \(t)")
            if journal != written.last { written.append(journal) }
        }
        #expect(try h.state(task.taskKey) == .leased)
        // 30 s of heartbeats, a 3 s lease: the grant's deadline (6) and one write per 3 s, nothing
        // else (the heartbeats carry no progress, so there is no progress row to write).
        #expect(written.first == 6 && (10...11).contains(written.count), "\(written)")
        #expect(h.journal.transactionsCommitted - before == written.count - 1)
        // Silence: it expires at the in-memory deadline, 3 s after the last heartbeat at 30 s.
        _ = try h.tick(32.9)
        #expect(try h.state(task.taskKey) == .leased)
        _ = try h.tick(33.1)
        #expect(try h.state(task.taskKey) == .queued)
    }
}
