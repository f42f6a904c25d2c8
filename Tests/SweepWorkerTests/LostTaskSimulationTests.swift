import Foundation
import SweepCoordinator
import SweepJournal
import SweepProtocol
import SweepWorker
import Testing

/// One worker state machine and one coordinator state machine on a real journal, joined by a
/// simulated link with a fake clock. The worker's connection `n` is routing id `w#n`. While the
/// link is down, what the worker sends stays in its socket's kernel buffer (delivered when the link
/// is back, also for a socket the worker has since abandoned: closing it does not recall bytes
/// already handed to the kernel); what the coordinator sends is lost.
final class LinkSimulation {
    var worker: WorkerStateMachine
    let coordinator: CoordinatorStateMachine
    let journal: SweepJournal
    let folder: URL
    let keys: [String]
    /// Strip `session` and `connection` from READY, as a worker of an older eos sends it.
    var legacyWorker = false
    /// Cut the link right after the next task's RESULT was delivered (and ACKed).
    var cutWhenTaskEnds = false
    private(set) var now = 0.0
    private(set) var connection = 0
    private(set) var linkUp = true
    private var buffered: [(connection: Int, message: WorkerMessage)] = []
    private var computing: (task: CoordinatorMessage.TaskAssignment, until: Double)?
    private(set) var tasksStarted: [String] = []

    init(tasks: Int) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("LinkSimulation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        keys = (0..<tasks).map { String(format: "%064x", $0 + 1) }
        journal = try SweepJournal.openAsCoordinator(path: folder.appendingPathComponent("journal.sqlite").path, now: 0)
        _ = try journal.synchronize(
            sweepName: "sim", specText: "", toolVersion: "test",
            tasks: keys.map { (key: $0, configJSON: "{}", gridJSON: "{}") }, now: 0)
        coordinator = CoordinatorStateMachine(
            journal: journal, settings: CoordinatorSettings(maxAttempts: 3, heartbeatInterval: 1, liveness: 3))
        worker = WorkerStateMachine(
            identity: WorkerIdentity(name: "w", host: "h", pid: 1, threads: 1, session: session), silenceTimeout: 600, now: 0)
    }

    func remove() {
        try? journal.close(now: now)
        try? FileManager.default.removeItem(at: folder)
    }

    static func routingID(_ connection: Int) -> Data { Data("w#\(connection)".utf8) }

    /// Advances the clock by `seconds` in steps of 1/8 s: compute, worker tick, coordinator tick.
    func advance(_ seconds: Double) throws {
        let end = now + seconds
        while now < end {
            now += 0.125
            if let computing, now >= computing.until {
                self.computing = nil
                let outcome = TaskOutcome.result(summaryJSON: #"{"status":"completed"}"#, files: [:], resumedFromCheckpoint: false)
                try perform(worker.computeFinished(outcome, now: now))
                if cutWhenTaskEnds {
                    cutWhenTaskEnds = false
                    linkUp = false
                }
            }
            try perform(worker.tick(now: now))
            try deliver(coordinator.tick(now: now))
        }
    }

    /// The link is back: what the worker's sockets buffered arrives, connections in `order`.
    func restore(order: [Int]) throws {
        linkUp = true
        let waiting = buffered
        buffered = []
        for number in order {
            for entry in waiting where entry.connection == number { try send(entry.message, on: number) }
        }
    }

    private func perform(_ actions: [WorkerAction]) throws {
        for action in actions {
            switch action {
            case .send(let message):
                if linkUp { try send(message, on: connection) } else { buffered.append((connection, message)) }
            case .startTask(let task):
                tasksStarted.append(task.taskKey)
                computing = (task, now + 1)
            case .stopTask:
                computing = nil
                try perform(worker.computeFinished(.stopped, now: now))
            case .reconnect:
                connection += 1
            case .exit, .log:
                break
            }
        }
    }

    private func send(_ message: WorkerMessage, on number: Int) throws {
        var message = message
        if legacyWorker, case .ready(var ready) = message {
            ready.session = nil
            ready.connection = nil
            message = .ready(ready)
        }
        try deliver(coordinator.receive(WorkerMessage.encode(message), from: Self.routingID(number), now: now))
    }

    /// The coordinator's sends reach the worker only on its current connection over a live link.
    private func deliver(_ actions: [CoordinatorAction]) throws {
        for case .send(let to, let message) in actions where linkUp && to == Self.routingID(connection) {
            try perform(worker.receive(message, now: now))
        }
    }
}

@Suite("No TASK lost across a reconnect: worker and coordinator state machines over a simulated link", .serialized)
struct LostTaskSimulationTests {
    /// Task 0 runs; the link is cut the moment the worker asks READY again, and comes back after
    /// the worker reconnected: both READYs arrive, the old socket's or the new one's first.
    func cutWhileAsking(oldSocketFirst: Bool, legacy: Bool = false) throws -> (LinkSimulation, [TaskRecord], [JournalEvent]) {
        let sim = try LinkSimulation(tasks: 3)
        sim.legacyWorker = legacy
        try sim.advance(0.5)  // READY, TASK 0 (until 1.125 s)
        #expect(sim.tasksStarted == [sim.keys[0]])
        sim.cutWhenTaskEnds = true
        // Its RESULT is ACKed, then the READY of connection 0 waits in the kernel; at 4.25 s the
        // worker reconnects and READY of connection 1 waits too. The coordinator forgets connection 0.
        try sim.advance(4.0)
        #expect(sim.connection == 1 && sim.coordinator.workerCount == 0)
        try sim.restore(order: oldSocketFirst ? [0, 1] : [1, 0])
        try sim.advance(12)
        return (sim, try sim.journal.tasks(), try sim.journal.events())
    }

    @Test("the abandoned socket's READY arrives first: its TASK goes to the worker's new connection, same lease, no attempt lost")
    func oldReadyFirst() throws {
        let (sim, tasks, events) = try cutWhileAsking(oldSocketFirst: true)
        defer { sim.remove() }
        #expect(tasks.allSatisfy { $0.state == .done && $0.attempts == 1 }, "\(tasks.map { ($0.state, $0.attempts) })")
        #expect(events.filter { $0.kind == .taskLeased }.count == 3)
        #expect(!events.contains { $0.kind == .leaseExpired })
        #expect(sim.tasksStarted == sim.keys)
    }

    @Test("the new socket's READY arrives first: the late READY of the abandoned one gets no task")
    func newReadyFirst() throws {
        let (sim, tasks, events) = try cutWhileAsking(oldSocketFirst: false)
        defer { sim.remove() }
        #expect(tasks.allSatisfy { $0.state == .done && $0.attempts == 1 }, "\(tasks.map { ($0.state, $0.attempts) })")
        #expect(events.filter { $0.kind == .taskLeased }.count == 3)
        #expect(!events.contains { $0.kind == .leaseExpired })
        #expect(sim.tasksStarted == sim.keys)
    }

    @Test("the same cut with a worker that sends no session (an older eos): the lost TASK's lease expires, an extra attempt")
    func legacyWorkerLosesTheTask() throws {
        for oldFirst in [true, false] {
            let (sim, tasks, events) = try cutWhileAsking(oldSocketFirst: oldFirst, legacy: true)
            defer { sim.remove() }
            #expect(tasks.allSatisfy { $0.state == .done })
            #expect(tasks.contains { $0.attempts == 2 }, "old socket first: \(oldFirst)")
            #expect(events.contains { $0.kind == .leaseExpired })
        }
    }
}
