import Foundation
import SweepJournal

/// The worker processes of `eos sweep`, watched on every coordinator tick. A worker that exits
/// before the sweep is finished (killed, out of memory, crashed on a task) is started again
/// after a back-off that doubles with each restart (`initialBackoff` … `maxBackoff`), with a
/// logged line each time. Its lease, if it held one, expires in the coordinator as usual and
/// costs the task an attempt, so a task that kills every worker ends `failed` after
/// `max_attempts`.
///
/// Restarts are bounded: a worker slot that died `maxRestartsWithoutProgress` times in a row
/// without any task finishing in between is given up. Once every slot is given up, no worker
/// can run: `gaveUp` turns true, `eos sweep` stops (the journal keeps every result and gives the
/// leases back, so the same command resumes) and `failureLine` names the tasks the dead workers
/// were running.
final class WorkerSupervisor {
    /// Consecutive deaths of one slot, with no task finished (done or failed) in between,
    /// after which that slot is given up.
    static let maxRestartsWithoutProgress = 5
    /// Seconds before the first restart of a slot; doubled for each further one, up to `maxBackoff`.
    static let initialBackoff = 0.5
    static let maxBackoff = 30.0

    /// One worker process and its restart history.
    private struct Slot {
        var process: Process?
        /// Restarts since a task last finished.
        var restarts = 0
        /// When the dead worker is to be started again.
        var restartAt: Double?
        /// Finished tasks (done + failed) in the journal when this worker was started.
        var finishedAtStart: Int
        var givenUp = false
        /// How the last worker of this slot ended, e.g. "killed by signal 9".
        var lastExit = ""
    }

    private let launch: (Int) throws -> Process
    private let log: (String) -> Void
    private var slots: [Slot] = []
    /// Tasks a worker was running when it died, in order of death.
    private var failingTasks: [TaskRecord] = []

    /// - Parameters:
    ///   - launch: starts worker `index` (0-based), its process running on return.
    ///   - log: one line per death, restart and given-up slot.
    init(launch: @escaping (Int) throws -> Process, log: @escaping (String) -> Void) {
        self.launch = launch
        self.log = log
    }

    /// Starts `count` workers.
    func start(count: Int, finished: Int) throws {
        for index in 0..<count {
            slots.append(Slot(process: try launch(index), finishedAtStart: finished))
        }
    }

    /// The live worker processes (to reap at the end).
    var processes: [Process] { slots.compactMap(\.process) }

    /// True once every slot is given up: no worker can run.
    var gaveUp: Bool { !slots.isEmpty && slots.allSatisfy(\.givenUp) }

    /// Notices dead workers and restarts due ones. Call on every tick while the sweep is neither
    /// finished nor stopping.
    func check(journal: SweepJournal, now: Double) {
        for index in slots.indices {
            if let process = slots[index].process, !process.isRunning {
                died(index, process, journal: journal, now: now)
            }
            if let due = slots[index].restartAt, now >= due {
                slots[index].restartAt = nil
                do {
                    let process = try launch(index)
                    slots[index].process = process
                    slots[index].finishedAtStart = finishedTasks(journal)
                    log("worker \(index + 1) started again (pid \(process.processIdentifier))")
                } catch {
                    slots[index].lastExit = "could not start: \(error.localizedDescription)"
                    giveUpOrSchedule(index, now: now)
                }
            }
        }
    }

    /// One line: which workers died how, and the tasks they were running that have no result yet.
    func failureLine(journal: SweepJournal) -> String {
        let exits = slots.indices.map { "worker \($0 + 1) \(slots[$0].lastExit)" }.joined(separator: ", ")
        var seen = Set<String>()
        let tasks = failingTasks.filter { seen.insert($0.key).inserted }
            .filter { (try? journal.task(key: $0.key))??.state != .done }.map(taskLabel)
        let running =
            tasks.isEmpty ? "they held no task (see the worker logs)" : "tasks they were running: " + tasks.joined(separator: ", ")
        return "no worker can run: each died \(Self.maxRestartsWithoutProgress + 1) times with no task finished in "
            + "between (\(exits)); \(running)"
    }

    private func died(_ index: Int, _ process: Process, journal: SweepJournal, now: Double) {
        slots[index].process = nil
        let pid = process.processIdentifier
        let how =
            process.terminationReason == .uncaughtSignal
            ? "killed by signal \(process.terminationStatus)" : "exited with status \(process.terminationStatus)"
        slots[index].lastExit = how
        let held = ((try? journal.tasks(in: .leased)) ?? []).filter { $0.worker?.hasSuffix("-\(pid)") == true }
        failingTasks += held
        let task = held.first.map { " while running task \($0.key.prefix(16))" } ?? ""
        if finishedTasks(journal) > slots[index].finishedAtStart { slots[index].restarts = 0 }
        try? journal.record(
            event: JournalEvent(
                time: now, kind: JournalEvent.Kind(rawValue: "worker_died"),
                taskKey: held.first?.key, detail: "worker \(index + 1) (pid \(pid)) \(how)"))
        log("worker \(index + 1) (pid \(pid)) \(how)\(task)")
        giveUpOrSchedule(index, now: now)
    }

    private func giveUpOrSchedule(_ index: Int, now: Double) {
        if slots[index].restarts >= Self.maxRestartsWithoutProgress {
            slots[index].givenUp = true
            log("worker \(index + 1) given up after \(slots[index].restarts) restarts with no task finished")
            return
        }
        let delay = min(Self.maxBackoff, Self.initialBackoff * pow(2, Double(slots[index].restarts)))
        slots[index].restarts += 1
        slots[index].restartAt = now + delay
        log("worker \(index + 1): restart \(slots[index].restarts) of \(Self.maxRestartsWithoutProgress) in \(delay) s")
    }

    private func finishedTasks(_ journal: SweepJournal) -> Int {
        guard let counts = try? journal.counts() else { return 0 }
        return counts.done + counts.failed
    }
}
