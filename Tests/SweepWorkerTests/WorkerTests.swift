import Foundation
import SweepProtocol
import SweepWorker
import Synchronization
import Testing
import ZeroMQTransport

/// A task runner that reports progress every 10 ms for `duration` seconds, or until stopped.
struct SleepingRunner: TaskRunner {
    let duration: Double

    func run(
        _ task: CoordinatorMessage.TaskAssignment, progress: @escaping @Sendable (WorkerMessage.Progress) -> Void,
        shouldStop: @escaping @Sendable () -> Bool
    ) -> TaskOutcome {
        let steps = Int(duration / 0.01)
        for step in 0..<steps {
            if shouldStop() { return .stopped }
            progress(.init(taskKey: task.taskKey, leaseID: task.leaseID, step: step, totalSteps: steps, phase: "gd"))
            usleep(10_000)
        }
        return .result(summaryJSON: #"{"status":"completed"}"#, files: ["trace.csv": "step\n0\n"], resumedFromCheckpoint: false)
    }
}

/// A worker on its own thread; `exit` is set when `run` returns.
final class WorkerThread: Sendable {
    let exit = Mutex<Worker.Exit?>(nil)
    let stop = Atomic<Bool>(false)

    init(endpoint: String, runner: some TaskRunner, silenceTimeout: Double = 10) {
        let worker = UncheckedBox(
            value: Worker(
                options: WorkerOptions(
                    endpoint: endpoint, name: "test-worker",
                    silenceTimeout: silenceTimeout),
                runner: runner, log: { _ in }))
        Thread { [self] in
            let result = try? worker.value.run(stopRequested: { self.stop.load(ordering: .relaxed) })
            self.exit.withLock { $0 = result }
        }.start()
    }

    func waitForExit(seconds: Double) -> Worker.Exit? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let exit = exit.withLock({ $0 }) { return exit }
            usleep(10_000)
        }
        return nil
    }
}

struct UncheckedBox<T>: @unchecked Sendable { let value: T }

/// The coordinator's side of the wire, by hand.
final class FakeCoordinator {
    let socket: ZMQSocket
    let endpoint: String
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("wt-\(UUID().uuidString.prefix(8)).ipc").path
        endpoint = "ipc://" + path
        socket = try ZMQSocket(.router, context: ZMQContext())
        try socket.set(.linger(milliseconds: 0))
        try socket.bind(endpoint)
    }

    func close() {
        socket.close()
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The next message from a worker, with its routing id, within `seconds`.
    func receive(within seconds: Double = 5) throws -> (id: Data, message: WorkerMessage)? {
        var poller = ZMQPoller()
        _ = poller.register(socket)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            _ = try poller.poll(timeoutMilliseconds: 20)
            if let frames = try socket.tryReceive() {
                return (frames[0], try WorkerMessage.decode(frames: Array(frames.dropFirst())))
            }
        }
        return nil
    }

    /// Receives until a message matches, within `seconds`; returns it and everything before.
    func receive(until match: (WorkerMessage) -> Bool, within seconds: Double = 5) throws
        -> (id: Data, message: WorkerMessage, before: [WorkerMessage])?
    {
        var before: [WorkerMessage] = []
        let deadline = Date().addingTimeInterval(seconds)
        while let next = try receive(within: deadline.timeIntervalSinceNow) {
            if match(next.message) { return (next.id, next.message, before) }
            before.append(next.message)
        }
        return nil
    }

    func send(_ message: CoordinatorMessage, to id: Data) throws {
        try socket.send([id] + CoordinatorMessage.encode(message))
    }
}

let key = String(repeating: "ab", count: 32)

func isReady(_ m: WorkerMessage) -> Bool { if case .ready = m { true } else { false } }
func isResult(_ m: WorkerMessage) -> Bool { if case .result = m { true } else { false } }
func isReturn(_ m: WorkerMessage) -> Bool { if case .return = m { true } else { false } }

@Suite("Worker over a real DEALER socket, with a hand-driven coordinator", .serialized)
struct WorkerTests {
    @Test("heartbeats carry progress while the task computes; an un-ACKed RESULT is re-sent with READY after a reconnect")
    func heartbeatsAndResultRedelivery() throws {
        let coordinator = try FakeCoordinator()
        defer { coordinator.close() }
        let worker = WorkerThread(endpoint: coordinator.endpoint, runner: SleepingRunner(duration: 0.6))
        defer { worker.stop.store(true, ordering: .relaxed); _ = worker.waitForExit(seconds: 5) }

        let ready = try #require(try coordinator.receive(until: isReady))
        guard case .ready(let body) = ready.message else { return }
        #expect(body.worker == "test-worker" && body.heldResults.isEmpty)
        try coordinator.send(.welcome(.init(heartbeatInterval: 0.1, liveness: 3, checkpointEvery: 5)), to: ready.id)
        try coordinator.send(
            .task(.init(leaseID: "77777777777777777777777777777777", taskKey: key, attempt: 1, config: "{}", checkpointEvery: 5)),
            to: ready.id)
        // While the compute thread sleeps, the network thread keeps heartbeating with progress.
        let result = try #require(try coordinator.receive(until: isResult, within: 5))
        let progress = result.before.compactMap { m -> WorkerMessage.Progress? in
            if case .heartbeat(let p?) = m { p } else { nil }
        }
        #expect(progress.count >= 3)
        #expect(progress.allSatisfy { $0.taskKey == key && $0.leaseID == "77777777777777777777777777777777" })
        #expect(progress.map(\.step) == progress.map(\.step).sorted())
        guard case .result(let first) = result.message else { return }
        #expect(first.leaseID == "77777777777777777777777777777777" && first.attempt == 1 && first.files == ["trace.csv": "step\n0\n"])

        // No ACK and no reply at all: after 3 × 0.1 s of silence the worker reconnects and hands
        // the result in again, announcing it in READY.
        let again = try #require(
            try coordinator.receive(
                until: { m in
                    if case .ready(let r) = m { r.heldResults == [key] } else { false }
                }, within: 5))
        let resent = try #require(try coordinator.receive(until: isResult, within: 2))
        #expect(resent.message == result.message)
        #expect(again.id != ready.id)  // a fresh socket
        try coordinator.send(.ack(taskKey: key), to: resent.id)
        try coordinator.send(.shutdown(.finished), to: resent.id)
        #expect(worker.waitForExit(seconds: 5) == .finished)
    }

    @Test("a stop request (SIGTERM) stops the running task and RETURNs its lease, then the worker exits")
    func stopReturnsTask() throws {
        let coordinator = try FakeCoordinator()
        defer { coordinator.close() }
        let worker = WorkerThread(endpoint: coordinator.endpoint, runner: SleepingRunner(duration: 30))
        let ready = try #require(try coordinator.receive(until: isReady))
        try coordinator.send(
            .task(.init(leaseID: "33333333333333333333333333333333", taskKey: key, attempt: 2, config: "{}", checkpointEvery: 5)),
            to: ready.id)
        _ = try #require(try coordinator.receive(until: { m in if case .heartbeat(_?) = m { true } else { false } }))
        worker.stop.store(true, ordering: .relaxed)
        let returned = try #require(try coordinator.receive(until: isReturn, within: 5))
        #expect(returned.message == .return(.init(leaseID: "33333333333333333333333333333333", taskKey: key, reason: "SIGTERM")))
        #expect(worker.waitForExit(seconds: 5) == .stopped)
    }

    @Test("without any coordinator the worker exits after its silence timeout")
    func silenceTimeout() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nobody-\(UUID().uuidString.prefix(8)).ipc").path
        let start = Date()
        let worker = WorkerThread(endpoint: "ipc://" + path, runner: SleepingRunner(duration: 0), silenceTimeout: 0.5)
        #expect(worker.waitForExit(seconds: 5) == .coordinatorSilent)
        #expect(Date().timeIntervalSince(start) >= 0.5)
    }

    @Test("task folders are <out>/tasks/<key> and never leave --out")
    func taskFolders() {
        let runner = ExperimentTaskRunner(out: "/tmp/sweep/../sweep", dataRoot: "/data")
        #expect(runner.folder(taskKey: key)?.path == "/tmp/sweep/tasks/" + key)
        #expect(runner.folder(taskKey: "../../etc") == nil)
        #expect(runner.folder(taskKey: "..") == nil)
    }
}
