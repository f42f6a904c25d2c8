import Foundation
import SweepCoordinator
import SweepJournal
import SweepProtocol
import Testing

/// What many hostile connections can make the coordinator keep in memory or write to its journal.
@Suite("Bounded memory and journal writes under hostile connections, fake clock")
struct HostilePeerBoundsTests {
    @Test("garbage from 5,000 connections: ignored senders capped and expiring, complaints rate-limited")
    func garbageFromManyConnections() throws {
        let h = try Harness(tasks: 1)
        defer { h.remove() }
        var logged = 0
        for i in 0..<5_000 {
            let actions = try h.machine.receive([Data("garbage".utf8)], from: Data("peer-\(i)".utf8), now: Double(i) * 0.001)
            logged += logs(actions).count
        }
        #expect(h.machine.ignoredSenderCount <= CoordinatorStateMachine.Limits.ignoredSenders)
        #expect(logged == CoordinatorStateMachine.Limits.complaintBurst)
        let errors = try h.journal.events().filter { $0.kind == CoordinatorStateMachine.EventKind.protocolError }
        #expect(errors.count == CoordinatorStateMachine.Limits.complaintBurst)
        // After the window, one line counts the rest; after the ignore time, nothing is remembered.
        let later = try h.tick(CoordinatorStateMachine.Limits.complaintWindow + 5)
        #expect(logs(later).contains { $0.hasPrefix("\(5_000 - CoordinatorStateMachine.Limits.complaintBurst) more complaints") })
        #expect(try h.journal.events().contains { $0.kind == CoordinatorStateMachine.EventKind.complaintsSuppressed })
        _ = try h.tick(CoordinatorStateMachine.Limits.ignoreSeconds + 10)
        #expect(h.machine.ignoredSenderCount == 0)
        #expect(assignment(try h.ready("good", at: 70), to: "good") != nil)
    }

    @Test("valid but anonymous messages from 5,000 connections: sessions capped, introduced workers kept")
    func anonymousSessionsAreCapped() throws {
        let h = try Harness(tasks: 1)
        defer { h.remove() }
        let task = try #require(assignment(try h.ready("worker", at: 0), to: "worker"))
        let before = h.journal.transactionsCommitted
        for i in 0..<5_000 {
            _ = try h.send(.heartbeat(nil), from: "peer-\(i)", at: 0.5)
        }
        #expect(h.journal.transactionsCommitted == before)
        #expect(h.machine.workerCount <= CoordinatorStateMachine.Limits.anonymousSessions + 1)
        #expect(h.machine.running.contains { $0.taskKey == task.taskKey && $0.worker == "worker" })
        let beat = try h.tick(1.0)
        #expect(messages(beat, to: "worker") == [.heartbeat])
    }
}
