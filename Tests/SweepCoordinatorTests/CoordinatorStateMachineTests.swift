import Configuration
import Foundation
import SweepCoordinator
import SweepJournal
import SweepProtocol
import Testing

@Suite("Coordinator state machine with a fake clock, no sockets")
struct CoordinatorStateMachineTests {
    @Test("READY is answered by WELCOME with the sweep's timing, then TASKs in grid order, then NOTASK")
    func readyHandsOutTasks() throws {
        let h = try Harness(
            tasks: 2,
            settings: CoordinatorSettings(
                maxAttempts: 3, heartbeatInterval: 0.5, liveness: 4,
                checkpointEvery: 7))
        defer { h.remove() }
        let a = try h.ready("a", at: 10)
        #expect(messages(a, to: "a").first == .welcome(.init(heartbeatInterval: 0.5, liveness: 4, checkpointEvery: 7)))
        let taskA = try #require(assignment(a, to: "a"))
        #expect(taskA.taskKey == h.keys[0] && taskA.attempt == 1 && taskA.checkpointEvery == 7)
        #expect(taskA.config == #"{"n":0}"#)
        let leased = try #require(try h.journal.task(key: h.keys[0]))
        // The deadline lives in memory; the journal holds a later one (docs/ARCHITECTURE.md §6).
        #expect(h.machine.deadline(ofLease: taskA.leaseID) == 10 + 0.5 * 4)
        #expect(leased.state == .leased && leased.worker == "a" && leased.leaseDeadline == 10 + 2 * 0.5 * 4)
        let taskB = try #require(assignment(try h.ready("b", at: 11), to: "b"))
        #expect(taskB.taskKey == h.keys[1] && taskB.leaseID != taskA.leaseID)
        #expect(messages(try h.ready("c", at: 12), to: "c").last == .noTask(retryAfter: 0.5))
    }

    @Test("a lease without heartbeats expires after heartbeat_interval × liveness and the task goes to another worker")
    func leaseExpiry() throws {
        let h = try Harness(tasks: 1)
        defer { h.remove() }
        let first = try #require(assignment(try h.ready("a", at: 0), to: "a"))
        _ = try h.tick(2.9)
        #expect(try h.state(h.keys[0]) == .leased)
        let actions = try h.tick(3.1)
        #expect(logs(actions).contains { $0.contains("expired") })
        let record = try #require(try h.journal.task(key: h.keys[0]))
        #expect(record.state == .queued && record.attempts == 1)
        let second = try #require(assignment(try h.ready("b", at: 3.2), to: "b"))
        #expect(second.taskKey == first.taskKey && second.attempt == 2)
    }

    @Test("heartbeats from the worker keep its lease alive well past one lease duration")
    func heartbeatsRenew() throws {
        let h = try Harness(tasks: 1)
        defer { h.remove() }
        let task = try #require(assignment(try h.ready("a", at: 0), to: "a"))
        for t in stride(from: 1.0, through: 20, by: 1) {
            let progress = WorkerMessage.Progress(
                taskKey: task.taskKey, leaseID: task.leaseID, step: Int(t),
                totalSteps: 100, phase: "gd")
            _ = try h.send(.heartbeat(progress), from: "a", at: t)
            _ = try h.tick(t + 0.5)
        }
        #expect(try h.state(h.keys[0]) == .leased)
        #expect(h.machine.running.first?.step == 20)
        #expect(try h.journal.task(key: h.keys[0])?.attempts == 0)
    }

    @Test("FAILs count attempts up to max_attempts, then the task is failed with its last error and the sweep finishes")
    func retriesToMaxAttempts() throws {
        let h = try Harness(tasks: 1, settings: CoordinatorSettings(maxAttempts: 2, heartbeatInterval: 1, liveness: 3))
        defer { h.remove() }
        var now = 0.0
        for attempt in 1...2 {
            now += 1
            let task = try #require(assignment(try h.ready("a", at: now), to: "a"))
            #expect(task.attempt == attempt)
            _ = try h.send(.fail(.init(leaseID: task.leaseID, taskKey: task.taskKey, error: "boom \(attempt)")), from: "a", at: now)
        }
        let record = try #require(try h.journal.task(key: h.keys[0]))
        #expect(record.state == .failed && record.attempts == 2 && record.lastError == "boom 2")
        #expect(messages(try h.ready("a", at: now + 1), to: "a").last == .shutdown(.finished))
        #expect(h.machine.isFinished)
    }

    @Test("expired leases also count toward max_attempts")
    func expiryCountsAsAttempt() throws {
        let h = try Harness(tasks: 1, settings: CoordinatorSettings(maxAttempts: 2, heartbeatInterval: 1, liveness: 1))
        defer { h.remove() }
        _ = try h.ready("a", at: 0)
        _ = try h.tick(1.5)
        _ = try h.ready("b", at: 2)
        _ = try h.tick(3.5)
        let record = try #require(try h.journal.task(key: h.keys[0]))
        #expect(record.state == .failed && record.attempts == 2)
        #expect(record.lastError?.contains("lease expired") == true)
    }

    @Test("RETURN gives the task back without counting an attempt")
    func returnIsVoluntary() throws {
        let h = try Harness(tasks: 1)
        defer { h.remove() }
        let task = try #require(assignment(try h.ready("a", at: 0), to: "a"))
        _ = try h.send(.return(.init(leaseID: task.leaseID, taskKey: task.taskKey, reason: "SIGTERM")), from: "a", at: 1)
        let record = try #require(try h.journal.task(key: h.keys[0]))
        #expect(record.state == .queued && record.attempts == 0)
        #expect(assignment(try h.ready("b", at: 2), to: "b")?.attempt == 1)
    }

    @Test("stop (SIGTERM, Slurm requeue) gives running leases back without an attempt; after a restart they are attempt 1 again")
    func stopGivesLeasesBack() throws {
        let h = try Harness(tasks: 3)
        defer { h.remove() }
        let first = try #require(assignment(try h.ready("a", at: 0), to: "a"))
        let second = try #require(assignment(try h.ready("b", at: 0), to: "b"))
        let stopping = try h.machine.stop(now: 1)
        for worker in ["a", "b"] { #expect(messages(stopping, to: worker) == [.shutdown(.stopping)]) }
        for task in [first, second] {
            let record = try #require(try h.journal.task(key: task.taskKey))
            #expect(record.state == .queued && record.attempts == 0)
            #expect(
                try h.journal.events(taskKey: task.taskKey).contains {
                    $0.kind == .taskGivenBack && $0.detail == "coordinator stopping"
                })
        }
        // The requeued job's coordinator starts long after the old lease deadlines: nothing expires.
        try h.restart(now: 60)
        #expect(try h.tick(60).isEmpty)
        let again = try #require(assignment(try h.ready("c", at: 60), to: "c"))
        #expect(again.taskKey == first.taskKey && again.attempt == 1)
        // A RESULT that was on its way under the old lease is still recorded (late) and ACKed.
        #expect(messages(try h.send(h.result(second), from: "b", at: 61), to: "b").contains(.ack(taskKey: second.taskKey)))
        #expect(try h.state(second.taskKey) == .done)
    }

    @Test("a RESULT is recorded once and every copy is ACKed; a late result after expiry wins, the re-run's is a duplicate")
    func duplicateAndLateResults() throws {
        let h = try Harness(tasks: 2)
        defer { h.remove() }
        let task = try #require(assignment(try h.ready("a", at: 0), to: "a"))
        let first = try h.send(h.result(task, summary: #"{"status":"completed","x":1}"#), from: "a", at: 1)
        #expect(messages(first, to: "a") == [.ack(taskKey: task.taskKey)])
        let again = try h.send(h.result(task, summary: #"{"status":"completed","x":2}"#), from: "a", at: 2)
        #expect(messages(again, to: "a") == [.ack(taskKey: task.taskKey)])
        #expect(try h.journal.task(key: task.taskKey)?.summaryJSON == #"{"status":"completed","x":1}"#)
        #expect(try h.journal.events(taskKey: task.taskKey).filter { $0.kind == .duplicateResult }.count == 1)

        // Task 2: a's lease expires, b re-runs it; a's late result is recorded, b's is a duplicate.
        let old = try #require(assignment(try h.ready("a", at: 3), to: "a"))
        _ = try h.tick(6.5)
        let new = try #require(assignment(try h.ready("b", at: 7), to: "b"))
        #expect(new.taskKey == old.taskKey && new.leaseID != old.leaseID)
        // a was forgotten while silent: it is welcomed again, and its result ACKed.
        #expect(messages(try h.send(h.result(old), from: "a", at: 8), to: "a").last == .ack(taskKey: old.taskKey))
        #expect(try h.state(old.taskKey) == .done)
        #expect(messages(try h.send(h.result(new), from: "b", at: 9), to: "b") == [.ack(taskKey: new.taskKey)])
        let kinds = try h.journal.events(taskKey: old.taskKey).map(\.kind)
        #expect(kinds.filter { $0 == .lateResult }.count == 1 && kinds.filter { $0 == .duplicateResult }.count == 1)
        #expect(try h.journal.counts().done == 2)
    }

    @Test("a worker that hands in held results on READY: known ones are ACKed at once")
    func heldResultsOnReady() throws {
        let h = try Harness(tasks: 2)
        defer { h.remove() }
        let task = try #require(assignment(try h.ready("a", at: 0), to: "a"))
        _ = try h.send(h.result(task), from: "a", at: 1)
        let actions = try h.ready("z", at: 2, held: [task.taskKey, h.keys[1]])
        let sent = messages(actions, to: "z")
        #expect(sent.contains(.ack(taskKey: task.taskKey)))
        #expect(!sent.contains(.ack(taskKey: h.keys[1])))
    }

    @Test("the READY that follows a RESULT on the same connection, listing it as held before its ACK arrived, gets no second ACK")
    func noSecondAckOnOneConnection() throws {
        let h = try Harness(tasks: 3)
        defer { h.remove() }
        let task = try #require(assignment(try h.ready("a", at: 0), to: "a"))
        #expect(messages(try h.send(h.result(task), from: "a", at: 1), to: "a") == [.ack(taskKey: task.taskKey)])
        let next = try h.ready("a", at: 1, held: [task.taskKey])
        #expect(!messages(next, to: "a").contains(.ack(taskKey: task.taskKey)))
        #expect(assignment(next, to: "a")?.taskKey == h.keys[1])
        // Another connection (the worker reconnected: the first ACK may be lost with the old one) is ACKed.
        #expect(messages(try h.ready("b", at: 2, held: [task.taskKey]), to: "b").contains(.ack(taskKey: task.taskKey)))
        // Once a READY of the connection no longer lists it, the key is forgotten there.
        _ = try h.ready("a", at: 3)
        #expect(messages(try h.ready("a", at: 4, held: [task.taskKey]), to: "a").contains(.ack(taskKey: task.taskKey)))
    }

    @Test("a worker sent a TASK or an ACK within the heartbeat interval gets no HEARTBEAT; one an interval after the last message")
    func heartbeatOnlyAfterSilence() throws {
        let h = try Harness(tasks: 2)
        defer { h.remove() }
        let task = try #require(assignment(try h.ready("a", at: 0), to: "a"))
        _ = try h.send(h.result(task), from: "a", at: 0.8)
        #expect(messages(try h.tick(1.0), to: "a").isEmpty)
        #expect(messages(try h.tick(1.7), to: "a").isEmpty)
        #expect(messages(try h.tick(1.8), to: "a") == [.heartbeat])
        #expect(messages(try h.tick(2.5), to: "a").isEmpty)
    }

    @Test(
        "random bytes, truncated messages, a wrong version and bad values are logged and journaled; the sender is ignored, others carry on")
    func garbageFrames() throws {
        let h = try Harness(tasks: 2)
        defer { h.remove() }
        var generator = SystemRandomNumberGenerator()
        let noise = Data((0..<200).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let ready = WorkerMessage.encode(.ready(.init(worker: "w", host: "h", pid: 1, threads: 1, heldResults: [])))
        var wrongVersion = ready
        wrongVersion[0] = Data("EOS-SWEEP/0".utf8)
        var badValue = ready
        badValue[2] = Data(#"{"worker":"","host":"h","pid":1,"threads":1,"held_results":[]}"#.utf8)
        let garbage: [(String, [Data])] = [
            ("noise", [noise]), ("truncated", Array(ready.prefix(2))),
            ("version", wrongVersion), ("value", badValue),
            ("json", [ready[0], ready[1], Data("{not json".utf8)]),
        ]
        for (sender, frames) in garbage {
            let actions = try h.machine.receive(frames, from: Data(sender.utf8), now: 1)
            #expect(logs(actions).count == 1, "\(sender)")
            #expect(messages(actions, to: sender).isEmpty, "\(sender)")
            // The sender is ignored from now on, even when it sends a valid READY.
            #expect(try h.ready(sender, at: 2).isEmpty, "\(sender)")
        }
        let events = try h.journal.events().filter { $0.kind == CoordinatorStateMachine.EventKind.protocolError }
        #expect(events.count == garbage.count)
        #expect(events.contains { $0.detail?.contains("EOS-SWEEP/0") == true })
        #expect(assignment(try h.ready("good", at: 3), to: "good") != nil)
    }

    @Test("restart on the same journal: done tasks are never handed out again, the dead run's lease expires, a late result is ACKed")
    func restartResumes() throws {
        let h = try Harness(tasks: 3)
        defer { h.remove() }
        let done = try #require(assignment(try h.ready("a", at: 0), to: "a"))
        _ = try h.send(h.result(done), from: "a", at: 1)
        let running = try #require(assignment(try h.ready("b", at: 1), to: "b"))
        try h.restart(now: 2)

        // The new coordinator hands out the third task first; the second is still under b's lease.
        let third = try #require(assignment(try h.ready("c", at: 2), to: "c"))
        #expect(third.taskKey == h.keys[2])
        // b's lease lasts until the journal's deadline, 1 + 2 × 3 s (at least 2 + 3 s after the
        // restart): b does not speak to the new coordinator, so it expires then.
        for t in [4.0, 6.5] { _ = try h.send(.heartbeat(nil), from: "c", at: t) }
        _ = try h.tick(6.9)
        #expect(try h.state(running.taskKey) == .leased)
        _ = try h.tick(7.5)
        let rerun = try #require(assignment(try h.ready("d", at: 8), to: "d"))
        #expect(rerun.taskKey == running.taskKey && rerun.attempt == 2)
        // b finishes under the old coordinator's lease: recorded late and ACKed; d's copy is a duplicate.
        #expect(messages(try h.send(h.result(running), from: "b", at: 9), to: "b").contains(.ack(taskKey: running.taskKey)))
        _ = try h.send(h.result(third), from: "c", at: 9)
        _ = try h.send(h.result(rerun), from: "d", at: 10)
        #expect(try h.journal.counts().done == 3)
        #expect(try h.journal.events(taskKey: done.taskKey).filter { $0.kind == .taskLeased }.count == 1)
        let shutdown = try h.tick(10.5)
        for worker in ["c", "d"] { #expect(messages(shutdown, to: worker) == [.shutdown(.finished)]) }
        #expect(h.machine.isFinished)
    }

    @Test("restart: a worker still running under the previous coordinator's lease keeps it by heartbeating, and its task runs once")
    func restartAdoptsRunningLeases() throws {
        let h = try Harness(tasks: 1)
        defer { h.remove() }
        let running = try #require(assignment(try h.ready("b", at: 0), to: "b"))
        try h.restart(now: 1)
        // b reconnects to the new coordinator and keeps heartbeating past the old lease's deadline (3 s).
        for t in stride(from: 1.5, through: 9.5, by: 1.0) {
            _ = try h.send(
                .heartbeat(
                    .init(
                        taskKey: running.taskKey, leaseID: running.leaseID, step: Int(t), totalSteps: 10,
                        phase: "gd")), from: "b", at: t)
            _ = try h.tick(t + 0.2)
        }
        #expect(try h.state(running.taskKey) == .leased)
        #expect(assignment(try h.ready("c", at: 10), to: "c") == nil)
        _ = try h.send(h.result(running), from: "b", at: 10.5)
        let task = try #require(try h.journal.task(key: running.taskKey))
        #expect(task.state == .done && task.attempts == 1)
        #expect(try h.journal.events(taskKey: running.taskKey).filter { $0.kind == .taskLeased }.count == 1)
    }

    @Test(
        "restart after a long outage: leases last a lease duration past the new start; a worker that names its lease keeps it, a gone one's expires"
    )
    func restartAfterLongOutage() throws {
        let h = try Harness(tasks: 2)
        defer { h.remove() }
        let kept = try #require(assignment(try h.ready("b", at: 0), to: "b"))
        let lost = try #require(assignment(try h.ready("c", at: 0), to: "c"))
        let progress = { (t: Double) in
            WorkerMessage.Progress(taskKey: kept.taskKey, leaseID: kept.leaseID, step: Int(t), totalSteps: 100, phase: "gd")
        }
        _ = try h.send(.heartbeat(progress(1)), from: "b", at: 1)
        try h.restart(now: 30)  // down for 29 s: every journal deadline (≤ 7) has passed
        _ = try h.tick(30.1)
        #expect(try h.journal.counts() == StateCounts(leased: 2))
        // b reconnected (a new routing id) and names its lease: it keeps it.
        for t in stride(from: 31.0, through: 40, by: 1) {
            _ = try h.send(.heartbeat(progress(t)), from: "b-again", at: t)
            _ = try h.tick(t + 0.5)
        }
        let expired = try #require(try h.journal.task(key: lost.taskKey))
        #expect(expired.state == .queued && expired.attempts == 1)  // c never came back: gone at 30 + 3 s
        #expect(messages(try h.send(h.result(kept), from: "b-again", at: 40.6), to: "b-again") == [.ack(taskKey: kept.taskKey)])
        let task = try #require(try h.journal.task(key: kept.taskKey))
        #expect(task.state == .done && task.attempts == 1)
        #expect(try h.journal.events(taskKey: kept.taskKey).filter { $0.kind == .taskLeased }.count == 1)
    }

    @Test("restart: a TASK granted just before the crash that never reached its worker goes to the worker's new connection")
    func restartHandsALostTaskToItsWorker() throws {
        let h = try Harness(tasks: 2)
        defer { h.remove() }
        let session = String(repeating: "9f", count: 16)
        let ready = { (connection: Int) in
            WorkerMessage.ready(
                .init(worker: "w", host: "h", pid: 9, threads: 1, heldResults: [], session: session, connection: connection))
        }
        let lost = try #require(assignment(try h.send(ready(0), from: "w#0", at: 0), to: "w#0"))
        try h.restart(now: 0.5)  // the TASK was in a queue of the process that died
        let again = try #require(assignment(try h.send(ready(1), from: "w#1", at: 4), to: "w#1"))
        #expect(again == lost)
        #expect(try h.journal.counts() == StateCounts(queued: 1, leased: 1))
        _ = try h.send(h.result(again), from: "w#1", at: 5)
        #expect(try h.journal.task(key: lost.taskKey)?.attempts == 1)
    }

    @Test("tick heartbeats live workers once per interval and forgets workers silent for a lease duration")
    func tickHeartbeatsAndForgets() throws {
        let h = try Harness(tasks: 5)
        defer { h.remove() }
        _ = try h.ready("a", at: 0)
        _ = try h.ready("b", at: 0)
        #expect(messages(try h.tick(0.5), to: "a").isEmpty)
        #expect(messages(try h.tick(1.0), to: "a") == [.heartbeat])
        _ = try h.send(.heartbeat(nil), from: "a", at: 2.5)
        let actions = try h.tick(3.2)
        #expect(messages(actions, to: "a") == [.heartbeat])
        #expect(messages(actions, to: "b").isEmpty)
        #expect(h.machine.workerCount == 1)
    }

    @Test("loopback and ipc endpoints are local; anything else needs CURVE or --insecure")
    func localEndpoints() {
        for endpoint in ["ipc:///tmp/x.ipc", "inproc://a", "tcp://127.0.0.1:5555", "tcp://localhost:1", "tcp://[::1]:9"] {
            #expect(CoordinatorSecurity.isLocal(endpoint), "\(endpoint)")
        }
        for endpoint in ["tcp://0.0.0.0:5555", "tcp://*:5555", "tcp://10.0.0.1:1", "tcp://[::]:5", "tcp://128.0.0.1:1"] {
            #expect(!CoordinatorSecurity.isLocal(endpoint), "\(endpoint)")
        }
    }
}

extension Harness {
    func tick(_ now: Double) throws -> [CoordinatorAction] { try machine.tick(now: now) }
}

/// The coordinator's defaults are the specification's: a sweep without `[sweep]` timing keys
/// and a coordinator built without arguments apply the same rules.
@Suite struct CoordinatorSettingsDefaultsTests {
    @Test func defaultSettingsAreThoseOfASpecificationThatSetsNone() throws {
        let specification = try SweepSpecification.load(
            tomlText: "[sweep]\nname = \"d\"\n[sweep.grid]\n\"train.lr\" = [0.1]\n", file: "spec.toml")
        #expect(CoordinatorSettings(specification) == CoordinatorSettings())
    }
}
