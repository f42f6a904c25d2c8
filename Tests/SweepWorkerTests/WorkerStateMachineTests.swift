import Foundation
import SweepProtocol
import SweepWorker
import Testing

let session = String(repeating: "5e", count: 16)
let leaseA = String(repeating: "a1", count: 16)
let leaseB = String(repeating: "b2", count: 16)
let otherKey = String(repeating: "cd", count: 32)

func identity() -> WorkerIdentity { WorkerIdentity(name: "w", host: "h", pid: 7, threads: 2, session: session) }

func task(_ lease: String = leaseA, key taskKey: String = key, attempt: Int = 1) -> CoordinatorMessage.TaskAssignment {
    .init(leaseID: lease, taskKey: taskKey, attempt: attempt, config: "{}", checkpointEvery: 5)
}

let finished = TaskOutcome.result(summaryJSON: #"{"status":"completed"}"#, files: ["trace.csv": "step\n0\n"], resumedFromCheckpoint: false)

/// The messages among `actions`, in order.
func sent(_ actions: [WorkerAction]) -> [WorkerMessage] {
    actions.compactMap { if case .send(let message) = $0 { message } else { nil } }
}

func readies(_ actions: [WorkerAction]) -> [WorkerMessage.Ready] {
    sent(actions).compactMap { if case .ready(let ready) = $0 { ready } else { nil } }
}

/// A machine driven by ticks every `step` seconds from `from` to `to`, feeding `inputs` at their times.
/// Steps of 1/8 s by default, exact in binary, so that comparisons of times do not round.
func run(
    _ machine: inout WorkerStateMachine, from: Double, to: Double, step: Double = 0.125,
    at inputs: [Double: (inout WorkerStateMachine, Double) -> [WorkerAction]] = [:]
) -> [(time: Double, action: WorkerAction)] {
    var log: [(Double, WorkerAction)] = []
    var pending = inputs.sorted { $0.key < $1.key }
    for index in 0...Int(((to - from) / step).rounded(.down)) {
        let now = from + Double(index) * step
        while let next = pending.first, next.key <= now {
            pending.removeFirst()
            log += next.value(&machine, now).map { (now, $0) }
        }
        log += machine.tick(now: now).map { (now, $0) }
    }
    return log
}

@Suite("Worker state machine with a fake clock, no sockets")
struct WorkerStateMachineTests {
    @Test(
        "READY names the session and connection 0; WELCOME sets the timing; TASK starts; heartbeats pass the compute side's progress through"
    )
    func readyTaskProgress() {
        var m = WorkerStateMachine(identity: identity(), silenceTimeout: 60, now: 0)
        let first = m.tick(now: 0)
        #expect(
            readies(first) == [.init(worker: "w", host: "h", pid: 7, threads: 2, heldResults: [], session: session, connection: 0)])
        #expect(m.tick(now: 0.5).isEmpty)  // waiting for the answer, and READY counts as traffic
        _ = m.receive(.welcome(.init(heartbeatInterval: 0.2, liveness: 5, checkpointEvery: 9)), now: 0.6)
        #expect(m.leaseDuration == 1.0)
        let started = m.receive(.task(task()), now: 0.6)
        #expect(started.contains(.startTask(task())))
        // Before the compute side reports, the heartbeat names the bare lease.
        #expect(
            sent(m.tick(now: 1.0))
                == [.heartbeat(.init(taskKey: key, leaseID: leaseA, step: 0, totalSteps: 0, phase: "starting"))])
        let progress = WorkerMessage.Progress(taskKey: key, leaseID: leaseA, step: 12, totalSteps: 40, phase: "gd")
        m.computeProgressed(progress)
        #expect(sent(m.tick(now: 1.1)).isEmpty)  // not yet a heartbeat interval since the last send
        #expect(sent(m.tick(now: 1.25)) == [.heartbeat(progress)])
        let done = m.computeFinished(finished, now: 1.3)
        guard case .result(let result)? = sent(done).first else {
            Issue.record("no RESULT in \(done)")
            return
        }
        #expect(result.leaseID == leaseA && result.attempt == 1 && m.held.count == 1)
        #expect(readies(m.tick(now: 1.3)).first?.heldResults == [key])
        _ = m.receive(.ack(taskKey: key), now: 1.4)
        #expect(m.held.isEmpty)
        _ = m.receive(.noTask(retryAfter: 0.5), now: 1.4)
        #expect(readies(m.tick(now: 1.8)).isEmpty)
        #expect(readies(m.tick(now: 1.95)).map(\.heldResults) == [[]])
    }

    @Test("reconnect back-off: silence past heartbeat × liveness, then 1, 2, 4 … 32 s apart; any message resets it")
    func reconnectBackoff() {
        var m = WorkerStateMachine(identity: identity(), silenceTimeout: 1_000, now: 0)
        let log = run(&m, from: 0, to: 131, step: 0.25)
        let times = log.filter { $0.action == .reconnect }.map(\.time)
        #expect(times == [3.25, 4.25, 6.25, 10.25, 18.25, 34.25, 66.25, 98.25, 130.25])
        #expect(m.connection == times.count)
        // Each new socket gets a READY with the next connection number.
        let actions = log.map(\.action)
        let numbers = actions.indices.compactMap { i -> Int? in
            guard actions[i] == .reconnect, i + 1 < actions.count, case .send(.ready(let r)) = actions[i + 1] else { return nil }
            return r.connection
        }
        #expect(numbers == Array(1...times.count))
        _ = m.receive(.heartbeat, now: 131)
        #expect(m.reconnectBackoff == ProtocolConstants.reconnectBackoffInitial)
        let again = run(&m, from: 131, to: 136, step: 0.25).filter { $0.action == .reconnect }.map(\.time)
        #expect(again == [134.25, 135.25])
    }

    @Test("liveness: WELCOME's heartbeat × liveness is the silence that triggers a reconnect; coordinator heartbeats keep the socket")
    func liveness() {
        var m = WorkerStateMachine(identity: identity(), silenceTimeout: 60, now: 0)
        _ = m.tick(now: 0)
        _ = m.receive(.welcome(.init(heartbeatInterval: 0.5, liveness: 4, checkpointEvery: 9)), now: 0)
        _ = m.receive(.task(task()), now: 0)
        // The coordinator heartbeats every second for 10 s: no reconnect, and the worker heartbeats every 0.5 s.
        var inputs: [Double: (inout WorkerStateMachine, Double) -> [WorkerAction]] = [:]
        for t in stride(from: 1.0, through: 10, by: 1) { inputs[t] = { m, now in m.receive(.heartbeat, now: now) } }
        let alive = run(&m, from: 0, to: 10, at: inputs)
        #expect(!alive.contains { $0.action == .reconnect })
        let beats = alive.filter { if case .send(.heartbeat(_?)) = $0.action { true } else { false } }
        #expect(beats.count == 20)
        // Then silence: the reconnect comes just after 2 s (0.5 × 4), not at the default 3 s.
        let silent = run(&m, from: 10.125, to: 13)
        #expect(silent.first { $0.action == .reconnect }?.time == 12.125)
        // A running worker reconnects with its task's HEARTBEAT, not READY.
        let after = silent.drop { $0.action != .reconnect }.dropFirst().map(\.action)
        #expect(sent(Array(after)).first.map { if case .heartbeat(_?) = $0 { true } else { false } } == true)
    }

    @Test("held-result redelivery: an un-ACKed RESULT is announced in READY and sent again after each reconnect until ACKed")
    func heldResultRedelivery() {
        var m = WorkerStateMachine(identity: identity(), silenceTimeout: 60, now: 0)
        _ = m.tick(now: 0)
        _ = m.receive(.task(task()), now: 0.1)
        let done = m.computeFinished(finished, now: 0.5)
        let result = sent(done).first
        // No ACK, no message at all: at 3.1 s a new socket gets READY(held) and the RESULT again.
        let log = run(&m, from: 0.5, to: 4.5, step: 0.25)
        let afterReconnect = Array(log.drop { $0.action != .reconnect }.map(\.action))
        let messages = sent(afterReconnect)
        guard case .ready(let ready)? = messages.first else {
            Issue.record("no READY after the reconnect: \(afterReconnect)")
            return
        }
        #expect(ready.heldResults == [key] && ready.connection == 1)
        #expect(messages.dropFirst().first == result)
        _ = m.receive(.ack(taskKey: key), now: 4.6)
        #expect(m.held.isEmpty)
        let later = run(&m, from: 4.625, to: 9)
        #expect(!sent(later.map(\.action)).contains { if case .result = $0 { true } else { false } })
    }

    @Test("orphaned (its local sweep gone): the running task finishes and is handed in, new TASKs go back, it exits once ACKed")
    func orphaned() {
        var m = WorkerStateMachine(identity: identity(), silenceTimeout: 60, now: 0)
        _ = m.tick(now: 0)
        _ = m.receive(.task(task()), now: 0.1)
        #expect(m.parentGone(now: 0.2).isEmpty)  // a task runs: it goes on
        #expect(
            sent(m.receive(.task(task(leaseB, key: otherKey)), now: 0.3)) == [
                .return(.init(leaseID: leaseB, taskKey: otherKey, reason: "worker busy"))
            ])
        let done = m.computeFinished(finished, now: 1)
        #expect(sent(done).count == 1 && m.exited == nil)  // RESULT sent, held
        #expect(readies(run(&m, from: 1, to: 2.9).map(\.action)).isEmpty)  // asks for nothing new
        #expect(
            sent(m.receive(.task(task(leaseB, key: otherKey)), now: 2.95)) == [
                .return(.init(leaseID: leaseB, taskKey: otherKey, reason: "worker stopping"))
            ])
        let exit = m.receive(.ack(taskKey: key), now: 3)
        #expect(exit.suffix(2) == [.send(.disconnect), .exit(.orphaned)])
        #expect(m.tick(now: 4).isEmpty && m.receive(.heartbeat, now: 4).isEmpty)

        var idle = WorkerStateMachine(identity: identity(), silenceTimeout: 60, now: 0)
        #expect(idle.parentGone(now: 0) == [.send(.disconnect), .exit(.orphaned)])
    }

    @Test("SIGTERM stops the task, RETURNs it and exits; SHUTDOWN finished exits; silence past the timeout exits")
    func stopping() {
        var m = WorkerStateMachine(identity: identity(), silenceTimeout: 60, now: 0)
        _ = m.tick(now: 0)
        _ = m.receive(.task(task(attempt: 2)), now: 0.1)
        #expect(m.requestStop(reason: "SIGTERM", now: 0.2) == [.stopTask])
        #expect(m.requestStop(reason: "SIGTERM", now: 0.3).isEmpty)
        #expect(readies(m.tick(now: 0.4)).isEmpty)
        #expect(
            sent(m.computeFinished(.stopped, now: 0.5))
                == [.return(.init(leaseID: leaseA, taskKey: key, reason: "SIGTERM")), .disconnect])
        #expect(m.exited == .stopped)

        var f = WorkerStateMachine(identity: identity(), silenceTimeout: 60, now: 0)
        _ = f.tick(now: 0)
        #expect(f.receive(.shutdown(.finished), now: 0.1).suffix(2) == [.send(.disconnect), .exit(.finished)])

        var s = WorkerStateMachine(identity: identity(), silenceTimeout: 10, now: 0)
        _ = s.tick(now: 0)
        _ = s.receive(.task(task()), now: 0.1)
        let log = run(&s, from: 0.125, to: 10.25)
        #expect(log.contains { $0.action == .stopTask } && s.exited == nil)
        #expect(
            sent(s.computeFinished(.stopped, now: 10.3))
                == [.return(.init(leaseID: leaseA, taskKey: key, reason: "coordinator silent")), .disconnect])
        #expect(s.exited == .coordinatorSilent)
    }

    @Test("TASK of the running lease again is ignored; a TASK for a task whose result is held gets RETURN and the RESULT again")
    func duplicateTasks() {
        var m = WorkerStateMachine(identity: identity(), silenceTimeout: 60, now: 0)
        _ = m.tick(now: 0)
        _ = m.receive(.task(task()), now: 0.1)
        #expect(m.receive(.task(task()), now: 0.2).isEmpty)
        let done = sent(m.computeFinished(finished, now: 0.3))
        let again = sent(m.receive(.task(task(leaseB)), now: 0.4))
        #expect(again == [.return(.init(leaseID: leaseB, taskKey: key, reason: "result already held"))] + done)
        #expect(m.running == nil)
    }

    @Test("a RESULT over the frame limit is reported as a FAIL; an unanswered READY is sent again after a lease duration")
    func oversizeAndUnansweredReady() {
        var m = WorkerStateMachine(identity: identity(), silenceTimeout: 60, now: 0)
        _ = m.tick(now: 0)
        _ = m.receive(.task(task()), now: 0.1)
        let huge = TaskOutcome.result(
            summaryJSON: "{}", files: ["trace.csv": String(repeating: "x", count: ProtocolConstants.maxFrameBytes)],
            resumedFromCheckpoint: false)
        guard case .fail(let failure)? = sent(m.computeFinished(huge, now: 0.2)).first else {
            Issue.record("no FAIL")
            return
        }
        #expect(failure.error.contains("frame limit") && m.held.isEmpty)
        #expect(readies(m.tick(now: 0.3)).count == 1)
        var beats = 0
        for t in stride(from: 0.4, through: 3.5, by: 0.1) {
            _ = m.receive(.heartbeat, now: t)  // the coordinator lives but the answer to READY was lost
            beats += readies(m.tick(now: t)).count
        }
        #expect(beats == 1)  // once, after 3 s without an answer
    }
}
