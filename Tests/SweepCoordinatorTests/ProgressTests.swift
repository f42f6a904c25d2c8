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
        let grid: (Int) -> String = { #"{"model.width":\#(32 * ($0 + 1)),"train.lr":0.1}"# }
        let h = try Harness(tasks: 2, grid: grid)
        // The same worker without progress reports: what the journal costs without them.
        let quiet = try Harness(tasks: 2, grid: grid)
        defer { h.remove(); quiet.remove() }
        let task = try #require(assignment(try h.ready("a", at: 0), to: "a"))
        _ = try #require(assignment(try quiet.ready("a", at: 0), to: "a"))
        #expect(task.label == "model.width=32 train.lr=0.1")
        _ = try h.machine.tick(now: 0.1)  // no progress yet: nothing to write
        _ = try quiet.machine.tick(now: 0.1)
        let reader = try SweepJournal.openReadOnly(path: h.journal.path)
        #expect(try reader.runningProgress().isEmpty)
        let before = h.journal.transactionsCommitted, quietBefore = quiet.journal.transactionsCommitted
        for (i, t) in stride(from: 0.5, through: 10, by: 0.5).enumerated() {
            let progress = WorkerMessage.Progress(
                taskKey: task.taskKey, leaseID: task.leaseID, step: 10 * (i + 1), totalSteps: 1000, phase: "gd",
                loss: 1 / Double(i + 1), sharpness: 3 + Double(i))
            _ = try h.send(.heartbeat(progress), from: "a", at: t)
            _ = try quiet.send(.heartbeat(nil), from: "a", at: t)
            // In memory at once.
            #expect(h.machine.running.first?.step == 10 * (i + 1))
            _ = try h.machine.tick(now: t + 0.125)
            _ = try quiet.machine.tick(now: t + 0.125)
            // The first report is written at once, then at most every 5 s (at 5.625), not per heartbeat.
            let stored = try reader.runningProgress().first?.step
            switch t {
            case 0.5..<5.5: #expect(stored == 10, "at \(t)")
            default: #expect(stored == 110, "at \(t)")
            }
        }
        let running = try #require(h.machine.running.first)
        #expect(running.label == "model.width=32 train.lr=0.1 (\(task.taskKey.prefix(8)))" && running.worker == "a")
        #expect(running.step == 200 && running.totalSteps == 1000 && running.phase == "gd")
        #expect(running.loss == 1 / 20.0 && running.sharpness == 22)
        #expect(running.stepsPerSecond == 20)  // 190 steps over 9.5 s
        let stored = try #require(try reader.runningProgress().first)
        #expect(stored.loss == 1 / 11.0 && stored.sharpness == 13 && stored.stepsPerSecond == 20 && stored.worker == "a")
        #expect(stored.secondsRemaining == 44.5)
        // Two progress transactions in 10 s of heartbeats: all the cost of the reports.
        #expect(
            h.journal.transactionsCommitted - before == quiet.journal.transactionsCommitted - quietBefore + 2)
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
