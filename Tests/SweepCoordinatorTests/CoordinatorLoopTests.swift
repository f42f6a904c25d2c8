import Foundation
import SweepCoordinator
import SweepJournal
import SweepProtocol
import Synchronization
import Testing
import ZeroMQTransport

/// Flags and counters shared between a test and the threads it starts.
final class Shared: Sendable {
    let flag = Atomic<Bool>(false)
    let count = Atomic<Int>(0)
}

/// A coordinator loop on its own thread, bound to a loopback TCP port, over a journal in a
/// temporary folder; stopped and closed by `stop()`.
final class RunningCoordinator: Sendable {
    let harness: UncheckedBox<Harness>
    let endpoint: String
    /// `flag`: stop requested; `count`: clock ticks so far.
    private let control = Shared()
    /// Milliseconds the next clock tick's callback sleeps (once): a stalled coordinator.
    private let stall = Shared()  // count: milliseconds
    private let done = DispatchSemaphore(value: 0)

    init(tasks: Int, settings: CoordinatorSettings, security: CoordinatorSecurity = .plain) throws {
        let harness = try Harness(tasks: tasks, settings: settings)
        self.harness = UncheckedBox(harness)
        let ready = DispatchSemaphore(value: 0)
        let bound = Mutex<Result<String, CoordinatorError>?>(nil)
        let box = self.harness
        let (control, done, stall) = (self.control, self.done, self.stall)
        let thread = Thread {
            let loop: CoordinatorLoop
            do throws(CoordinatorError) {
                loop = try CoordinatorLoop(
                    machine: box.value.machine, endpoint: "tcp://127.0.0.1:*", security: security,
                    log: { _ in })
            } catch {
                bound.withLock { $0 = .failure(error) }
                ready.signal()
                done.signal()
                return
            }
            bound.withLock { $0 = .success(loop.boundEndpoint) }
            ready.signal()
            _ = try? loop.run(
                shouldStop: { control.flag.load(ordering: .relaxed) },
                onTick: { _ in
                    control.count.add(1, ordering: .relaxed)
                    let milliseconds = stall.count.exchange(0, ordering: .relaxed)
                    if milliseconds > 0 { Thread.sleep(forTimeInterval: Double(milliseconds) / 1000) }
                })
            loop.close()
            done.signal()
        }
        thread.start()
        guard ready.wait(timeout: .now() + 60) == .success else { throw LoopThreadTimeout(waitingFor: "bind") }
        endpoint = try bound.withLock { try $0!.get() }
    }

    var ticks: Int { control.count.load(ordering: .relaxed) }

    /// Makes the loop stall once, in its next tick's callback, for `seconds`.
    func stallOnce(seconds: Double) { stall.count.store(Int(seconds * 1000), ordering: .relaxed) }

    /// Stops the loop and removes the journal; a loop that has not stopped within a minute is
    /// recorded as the test's failure (its thread is left behind) instead of hanging the run.
    func stop() {
        control.flag.store(true, ordering: .relaxed)
        guard done.wait(timeout: .now() + 60) == .success else {
            Issue.record(LoopThreadTimeout(waitingFor: "stop"))
            return
        }
        harness.value.remove()
    }

    /// A read-only view of the journal, as `eos status` has it.
    func journal() throws -> SweepJournal {
        try SweepJournal.openReadOnly(path: harness.value.journal.path)
    }
}

/// The coordinator loop's thread did not answer within a minute.
struct LoopThreadTimeout: Error, CustomStringConvertible {
    let waitingFor: String
    var description: String { "the coordinator loop's thread did not \(waitingFor) within 60 s" }
}

/// Hands a non-Sendable value to the loop thread; the test thread only reads immutable parts of it.
final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// A DEALER speaking the worker side of the protocol, from the test thread.
final class TestPeer {
    let socket: ZMQSocket

    init(_ context: ZMQContext, endpoint: String) throws {
        socket = try ZMQSocket(.dealer, context: context)
        try socket.set(.linger(milliseconds: 0))
        try socket.set(.receiveTimeout(milliseconds: 3_000))
        // A DEALER with no live pipe blocks a send for ever: bounded, it throws instead.
        try socket.set(.sendTimeout(milliseconds: 3_000))
        try socket.connect(endpoint)
    }

    func send(_ message: WorkerMessage) throws { try socket.send(WorkerMessage.encode(message)) }

    /// The next message that satisfies `wanted`, skipping others, within `seconds`.
    func next(within seconds: Double = 3, _ wanted: (CoordinatorMessage) -> Bool) throws -> CoordinatorMessage? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            var poller = ZMQPoller()
            _ = poller.register(socket)
            guard try poller.poll(timeoutMilliseconds: 50)[0].contains(.readable), let frames = try socket.tryReceive()
            else { continue }
            if let message = try? CoordinatorMessage.decode(frames: frames), wanted(message) { return message }
        }
        return nil
    }

    func task() throws -> CoordinatorMessage.TaskAssignment? {
        if case .task(let task)? = try next({ if case .task = $0 { true } else { false } }) { return task }
        return nil
    }

    func close() { socket.close() }
}

func readyMessage(_ name: String) -> WorkerMessage {
    .ready(.init(worker: name, host: "loopback", pid: 1, threads: 1, heldResults: []))
}

@Suite("Coordinator loop over real loopback sockets", .serialized)
struct CoordinatorLoopTests {
    @Test("a hostile peer's forged RESULT and stolen HEARTBEAT/RESULT are refused; the real worker's result is recorded")
    func hostilePeerOverLoopback() throws {
        let coordinator = try RunningCoordinator(tasks: 2, settings: CoordinatorSettings(heartbeatInterval: 0.5, liveness: 4))
        defer { coordinator.stop() }
        let context = try ZMQContext()
        let worker = try TestPeer(context, endpoint: coordinator.endpoint)
        let hostile = try TestPeer(context, endpoint: coordinator.endpoint)
        defer { worker.close(); hostile.close() }

        try worker.send(readyMessage("real"))
        let task = try #require(try worker.task())
        let queued = try #require(coordinator.harness.value.keys.first { $0 != task.taskKey })
        // Forged: a made-up token for the queued task. Stolen: the real token, as if sniffed.
        try hostile.send(
            .result(
                .init(
                    leaseID: String(repeating: "ab", count: 16), taskKey: queued, attempt: 1,
                    summary: #"{"forged":1}"#, files: [:], resumedFromCheckpoint: false)))
        try hostile.send(.heartbeat(.init(taskKey: task.taskKey, leaseID: task.leaseID, step: 1, totalSteps: 2, phase: "gd")))
        try hostile.send(
            .result(
                .init(
                    leaseID: task.leaseID, taskKey: task.taskKey, attempt: 1, summary: #"{"stolen":1}"#,
                    files: [:], resumedFromCheckpoint: false)))
        #expect(try hostile.next(within: 1) { if case .ack = $0 { true } else { false } } == nil)

        try worker.send(
            .result(
                .init(
                    leaseID: task.leaseID, taskKey: task.taskKey, attempt: 1, summary: #"{"real":1}"#,
                    files: ["trace.csv": "step\n0\n"], resumedFromCheckpoint: false)))
        #expect(try worker.next { $0 == .ack(taskKey: task.taskKey) } != nil)
        let journal = try coordinator.journal()
        let done = try #require(try journal.task(key: task.taskKey))
        #expect(done.state == .done && done.summaryJSON == #"{"real":1}"#)
        #expect(try journal.task(key: queued)?.state == .queued)
        let kinds = try journal.events().map(\.kind)
        #expect(kinds.filter { $0 == .refusedResult }.count == 2)
        #expect(kinds.filter { $0 == .foreignLeaseIgnored }.count == 1)
    }

    @Test(
        "a plain (non-CURVE) connection to a CURVE coordinator is logged and journaled as worker_refused, rate-limited",
        .enabled(if: ZMQContext.has("curve"), "libzmq without CURVE"))
    func plainConnectionToCurveIsJournaled() throws {
        let serverKeys = try CurveKeyPair.generate()
        let coordinator = try RunningCoordinator(
            tasks: 1, settings: CoordinatorSettings(heartbeatInterval: 0.5, liveness: 4),
            security: .curve(secretKey: serverKeys.secretKey, allowedKeys: [:]))
        defer { coordinator.stop() }
        let context = try ZMQContext()
        // libzmq drops a plain peer once, in the handshake, and does not retry it: the peer
        // reconnects with a fresh socket, as an eos worker does after its silence back-off.
        var refusals: [JournalEvent] = []
        let deadline = Date().addingTimeInterval(5)
        while refusals.isEmpty, Date() < deadline {
            let plain = try TestPeer(context, endpoint: coordinator.endpoint)
            // The refused handshake may have dropped the peer's pipe already: a send that cannot
            // be queued now is skipped (the refusal does not depend on it).
            _ = try plain.socket.trySend(WorkerMessage.encode(readyMessage("plain")))
            #expect(try plain.next(within: 0.2) { _ in true } == nil)
            plain.close()
            refusals = try coordinator.journal().events().filter { $0.kind.rawValue == "worker_refused" }
        }
        #expect(refusals.first?.detail?.contains("refused a plain (non-CURVE) connection on \(coordinator.endpoint)") == true)
        for _ in 0..<40 {
            let plain = try TestPeer(context, endpoint: coordinator.endpoint)
            _ = try plain.socket.trySend(WorkerMessage.encode(readyMessage("plain")))
            Thread.sleep(forTimeInterval: 0.02)
            plain.close()
        }
        // 40 more tries: the rate limit keeps the journal from growing with each.
        Thread.sleep(forTimeInterval: 0.5)
        let later = try coordinator.journal().events().filter { $0.kind.rawValue == "worker_refused" }
        #expect(later.count <= CoordinatorStateMachine.Limits.complaintBurst)
        #expect(try coordinator.journal().task(key: coordinator.harness.value.keys[0])?.state == .queued)
    }

    @Test("a READY flood from a peer that holds a task: the loop still ticks on time and the real worker's lease lives")
    func readyFloodDoesNotStarveTicks() throws {
        let settings = CoordinatorSettings(heartbeatInterval: 0.2, liveness: 3)
        let coordinator = try RunningCoordinator(tasks: 3, settings: settings)
        defer { coordinator.stop() }
        let context = try ZMQContext()
        let worker = try TestPeer(context, endpoint: coordinator.endpoint)
        defer { worker.close() }
        try worker.send(readyMessage("real"))
        let task = try #require(try worker.task())

        let flood = Shared()  // flag: stop flooding; count: messages sent
        let endpoint = coordinator.endpoint
        let flooder = Thread {
            guard let context = try? ZMQContext(), let peer = try? TestPeer(context, endpoint: endpoint) else { return }
            defer { peer.close() }
            let frames = WorkerMessage.encode(readyMessage("flood"))
            // Bounded: at most 3 s and 5 million messages, whichever comes first.
            let deadline = Date().addingTimeInterval(3)
            var count = 0
            while !flood.flag.load(ordering: .relaxed), count < 5_000_000, Date() < deadline {
                if (try? peer.socket.trySend(frames)) == true { count += 1 }
            }
            flood.count.store(count, ordering: .relaxed)
        }
        flooder.start()

        // The real worker heartbeats for 1.5 s while the flood runs and hears the coordinator's heartbeats.
        let ticksBefore = coordinator.ticks
        let start = Date()
        var lastHeard = Date()
        var longestSilence = 0.0
        var lastSent = Date.distantPast
        while Date().timeIntervalSince(start) < 1.5 {
            if Date().timeIntervalSince(lastSent) >= 0.1 {
                try worker.send(
                    .heartbeat(
                        .init(
                            taskKey: task.taskKey, leaseID: task.leaseID, step: 1, totalSteps: 2,
                            phase: "gd")))
                lastSent = Date()
            }
            if try worker.next(within: 0.05, { $0 == .heartbeat }) != nil {
                longestSilence = max(longestSilence, Date().timeIntervalSince(lastHeard))
                lastHeard = Date()
            }
        }
        longestSilence = max(longestSilence, Date().timeIntervalSince(lastHeard))
        let ticks = coordinator.ticks - ticksBefore
        flood.flag.store(true, ordering: .relaxed)
        while !flooder.isFinished { Thread.sleep(forTimeInterval: 0.01) }

        #expect(flood.count.load(ordering: .relaxed) > 1_000, "the flood did not flood")
        // Tick interval 0.05 s: about 30 in 1.5 s; well over a third of them must happen.
        #expect(ticks >= 10, "only \(ticks) ticks in 1.5 s of flood")
        #expect(longestSilence < settings.leaseDuration, "the real worker heard nothing for \(longestSilence) s")
        let record = try #require(try coordinator.journal().task(key: task.taskKey))
        #expect(record.state == .leased && record.attempts == 0 && record.worker == "real")
    }

    @Test(
        "group commit: 200 workers' READYs and RESULTs take a few journal commits, their heartbeats none; every ACK follows its commit"
    )
    func groupCommit() throws {
        let workers = 200
        let coordinator = try RunningCoordinator(tasks: workers, settings: CoordinatorSettings(heartbeatInterval: 1, liveness: 3))
        defer { coordinator.stop() }
        let context = try ZMQContext()
        let peers = try (0..<workers).map { _ in try TestPeer(context, endpoint: coordinator.endpoint) }
        defer { for peer in peers { peer.close() } }
        // Let the connections settle (and the first ticks pass) before counting.
        Thread.sleep(forTimeInterval: 0.5)
        let journal = coordinator.harness.value.journal
        var commits = journal.transactionsCommitted
        for (i, peer) in peers.enumerated() { try peer.send(readyMessage("w\(i)")) }
        let tasks = try peers.map { try #require(try $0.task()) }
        #expect(Set(tasks.map(\.taskKey)).count == workers)
        let grants = journal.transactionsCommitted - commits
        #expect(grants < workers / 4, "\(grants) commits for \(workers) grants")

        // 1.5 s of heartbeats, 4 per second per worker: only the owner row's heartbeat is written.
        commits = journal.transactionsCommitted
        for round in 0..<6 {
            for (peer, task) in zip(peers, tasks) {
                try peer.send(
                    .heartbeat(.init(taskKey: task.taskKey, leaseID: task.leaseID, step: round, totalSteps: 9, phase: "gd")))
            }
            Thread.sleep(forTimeInterval: 0.25)
        }
        #expect(journal.transactionsCommitted - commits <= 3, "\(journal.transactionsCommitted - commits) commits for 1,200 heartbeats")

        commits = journal.transactionsCommitted
        for (peer, task) in zip(peers, tasks) {
            try peer.send(
                .result(
                    .init(
                        leaseID: task.leaseID, taskKey: task.taskKey, attempt: 1, summary: "{}", files: ["trace.csv": "step\n0\n"],
                        resumedFromCheckpoint: false)))
        }
        let reader = try coordinator.journal()
        for (peer, task) in zip(peers, tasks) {
            #expect(try peer.next { $0 == .ack(taskKey: task.taskKey) } != nil)
            #expect(try reader.task(key: task.taskKey)?.state == .done)  // committed before the ACK left
        }
        let results = journal.transactionsCommitted - commits
        #expect(results < workers / 4, "\(results) commits for \(workers) results")
    }

    @Test("a coordinator that stalls longer than a lease reads the heartbeats that waited before it expires leases")
    func stalledLoopKeepsLiveLeases() throws {
        let settings = CoordinatorSettings(heartbeatInterval: 0.2, liveness: 3)  // leases last 0.6 s
        let coordinator = try RunningCoordinator(tasks: 3, settings: settings)
        defer { coordinator.stop() }
        let context = try ZMQContext()
        // Two workers, each with a task: after the stall both heartbeats must count, not just the first read.
        var workers: [(peer: TestPeer, heartbeat: WorkerMessage, taskKey: String)] = []
        defer { for worker in workers { worker.peer.close() } }
        for name in ["real-a", "real-b"] {
            let peer = try TestPeer(context, endpoint: coordinator.endpoint)
            try peer.send(readyMessage(name))
            let task = try #require(try peer.task())
            let heartbeat = WorkerMessage.heartbeat(
                .init(taskKey: task.taskKey, leaseID: task.leaseID, step: 1, totalSteps: 2, phase: "gd"))
            workers.append((peer, heartbeat, task.taskKey))
        }
        coordinator.stallOnce(seconds: 1.5)
        // The workers keep heartbeating through the stall and for a while after it (2.5 s in all).
        let start = Date()
        while Date().timeIntervalSince(start) < 2.5 {
            for worker in workers { try worker.peer.send(worker.heartbeat) }
            Thread.sleep(forTimeInterval: 0.1)
        }
        for (name, worker) in zip(["real-a", "real-b"], workers) {
            let record = try #require(try coordinator.journal().task(key: worker.taskKey))
            #expect(record.state == .leased && record.attempts == 0 && record.worker == name, "\(record)")
        }
    }
}
