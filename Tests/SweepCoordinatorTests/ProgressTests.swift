import Foundation
import SweepJournal
import SweepProtocol
import Testing
@testable import SweepCoordinator

/// Progress from worker to coordinator: kept in memory per lease (step, loss, sharpness, rate),
/// written to the journal at most every few seconds, and tasks named by their grid values.
@Suite struct ProgressTests {
    @Test("HEARTBEAT progress with loss and sharpness: in memory at once, with the step rate; in the journal every 5 s")
    func progressIsKeptAndPersistedCoarsely() throws {
        let h = try Harness(tasks: 2, grid: { #"{"model.width":\#(32 * ($0 + 1)),"train.lr":0.1}"# })
        defer { h.remove() }
        let task = try #require(assignment(try h.ready("a", at: 0), to: "a"))
        #expect(task.label == "model.width=32 train.lr=0.1")
        _ = try h.machine.tick(now: 0.1)  // writes the (still empty) progress of the new lease
        let reader = try SweepJournal.openReadOnly(path: h.journal.path)
        let before = h.journal.transactionsCommitted
        var ticks = 0
        for (i, t) in stride(from: 0.5, through: 10, by: 0.5).enumerated() {
            let progress = WorkerMessage.Progress(
                taskKey: task.taskKey, leaseID: task.leaseID, step: 10 * (i + 1), totalSteps: 1000, phase: "gd",
                loss: 1 / Double(i + 1), sharpness: 3 + Double(i))
            _ = try h.send(.heartbeat(progress), from: "a", at: t)
            // In memory at once.
            #expect(h.machine.running.first?.step == 10 * (i + 1))
            _ = try h.machine.tick(now: t + 0.1)
            ticks += 1
            if t == 4.5 { #expect(try reader.runningProgress().isEmpty) }  // the next write is due at 5.1
            if t == 5.0 {
                let stored = try #require(try reader.runningProgress().first)
                #expect(stored.step == 100 && stored.loss == 0.1 && stored.sharpness == 12 && stored.worker == "a")
            }
        }
        let running = try #require(h.machine.running.first)
        #expect(running.label == "model.width=32 train.lr=0.1 (\(task.taskKey.prefix(8)))" && running.worker == "a")
        #expect(running.step == 200 && running.totalSteps == 1000 && running.phase == "gd")
        #expect(running.loss == 1 / 20.0 && running.sharpness == 22)
        #expect(running.stepsPerSecond == 20)  // 190 steps over 9.5 s
        // Progress is written twice in 10 s (at 5.1 and 10.1), not once per heartbeat; the lease's
        // deadline once in its 3 s lease durations (docs/ARCHITECTURE.md §6), and nothing else.
        #expect(ticks == 20)
        #expect(h.journal.transactionsCommitted - before == 2 + 3)
        let stored = try #require(try reader.runningProgress().first)
        #expect(stored.step == 200 && stored.stepsPerSecond == 20 && stored.secondsRemaining == 40)
    }

    @Test("logs name tasks by their grid values")
    func logsNameTasksByGridValues() throws {
        let h = try Harness(tasks: 1, grid: { _ in #"{"train.lr":0.5}"# })
        defer { h.remove() }
        let granted = try h.ready("a", at: 0)
        let task = try #require(assignment(granted, to: "a"))
        let name = "train.lr=0.5 (\(task.taskKey.prefix(8)))"
        #expect(logs(granted).contains("task \(name) → a (attempt 1)"))
        let failed = try h.send(.fail(.init(leaseID: task.leaseID, taskKey: task.taskKey, error: "boom")), from: "a", at: 1)
        #expect(logs(failed) == ["task \(name) attempt 1 failed, queued again: boom"])
        let again = try #require(assignment(try h.ready("a", at: 2), to: "a"))
        let done = try h.send(h.result(again), from: "a", at: 3)
        #expect(logs(done).contains("result of task \(name) from a: recorded"))
    }
}
