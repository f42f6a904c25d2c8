import Foundation
import SweepCoordinator
import SweepJournal
import SweepProtocol

/// A coordinator state machine on a journal in a temporary folder, driven by hand with a fake
/// clock: the EmbeddedChannel of these tests.
final class Harness {
    let folder: URL
    var journal: SweepJournal
    var machine: CoordinatorStateMachine
    let settings: CoordinatorSettings
    let keys: [String]

    /// `grid(i)` is task i's grid JSON.
    init(
        tasks: Int, settings: CoordinatorSettings = CoordinatorSettings(maxAttempts: 3, heartbeatInterval: 1, liveness: 3),
        grid: (Int) -> String = { _ in "{}" }
    ) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("SweepCoordinatorTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.settings = settings
        keys = (0..<tasks).map { String(format: "%064x", $0 + 1) }
        journal = try SweepJournal.openAsCoordinator(path: folder.appendingPathComponent("journal.sqlite").path, now: 0)
        _ = try journal.synchronize(
            sweepName: "test", specText: "", toolVersion: "test",
            tasks: keys.enumerated().map { (key: $1, configJSON: #"{"n":\#($0)}"#, gridJSON: grid($0)) }, now: 0)
        machine = CoordinatorStateMachine(journal: journal, settings: settings)
    }

    /// A new machine on the same journal file, as after a coordinator restart.
    func restart(now: Double) throws {
        try journal.close(now: now)
        journal = try SweepJournal.openAsCoordinator(path: folder.appendingPathComponent("journal.sqlite").path, now: now)
        machine = CoordinatorStateMachine(journal: journal, settings: settings)
    }

    func remove() {
        try? journal.close(now: 0)
        try? FileManager.default.removeItem(at: folder)
    }

    func send(_ message: WorkerMessage, from worker: String, at now: Double) throws -> [CoordinatorAction] {
        try machine.receive(WorkerMessage.encode(message), from: Data(worker.utf8), now: now)
    }

    func ready(_ worker: String, at now: Double, held: [String] = []) throws -> [CoordinatorAction] {
        try send(.ready(.init(worker: worker, host: "host", pid: 42, threads: 1, heldResults: held)), from: worker, at: now)
    }

    func result(_ task: CoordinatorMessage.TaskAssignment, summary: String = #"{"status":"completed"}"#) -> WorkerMessage {
        .result(
            .init(
                leaseID: task.leaseID, taskKey: task.taskKey, attempt: task.attempt, summary: summary,
                files: ["trace.csv": "step,loss\n0,1\n"], resumedFromCheckpoint: false))
    }

    func state(_ key: String) throws -> TaskState? { try journal.task(key: key)?.state }
}

/// The messages of `actions` sent to `worker`, in order.
func messages(_ actions: [CoordinatorAction], to worker: String) -> [CoordinatorMessage] {
    actions.compactMap {
        if case .send(let to, let message) = $0, to == Data(worker.utf8) { message } else { nil }
    }
}

/// The TASK among `actions` for `worker`, if any.
func assignment(_ actions: [CoordinatorAction], to worker: String) -> CoordinatorMessage.TaskAssignment? {
    for case .task(let task) in messages(actions, to: worker) { return task }
    return nil
}

func logs(_ actions: [CoordinatorAction]) -> [String] {
    actions.compactMap { if case .log(let line) = $0 { line } else { nil } }
}
