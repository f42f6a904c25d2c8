import Foundation
import RunRecord
import SweepCoordinator
import SweepJournal

/// What `eos sweep` and `eos status` show of a sweep: one line of counts with the ETA from step
/// rates, then one line per running task — its grid values, worker, step/total and phase, latest
/// loss and sharpness, steps per second (docs/CONFIGURATION.md §1).
struct SweepView: Equatable {
    struct Row: Equatable {
        var label: String
        var worker: String
        /// Nil before the worker's first report.
        var step: Int?
        var totalSteps: Int
        var phase: String
        var loss: Double?
        var sharpness: Double?
        var stepsPerSecond: Double?
        var secondsRemaining: Double?
    }

    var name: String
    var counts: StateCounts
    /// Connected workers (`eos sweep`), nil where unknown (`eos status`).
    var workers: Int?
    var eta: Double?
    var rows: [Row]

    /// The counts and the ETA, e.g. `quickstart: done 2/6  running 2  queued 2  failed 0  ETA 0:41`.
    var summary: String {
        var parts = [
            "done \(counts.done)/\(counts.inGrid)", "running \(counts.leased)", "queued \(counts.queued)", "failed \(counts.failed)",
        ]
        if counts.stale > 0 { parts.append("stale \(counts.stale)") }
        if let workers { parts.append("workers \(workers)") }
        parts.append("ETA " + (eta.map(ProgressBar.duration) ?? "--:--"))
        return "\(name): " + parts.joined(separator: "  ")
    }

    /// The summary, then one line per running task with its columns aligned.
    var lines: [String] {
        let table = rows.map { row -> [String] in
            let step = row.step.map { "\($0)/\(row.totalSteps)" } ?? "starting"
            return [
                row.label, row.worker, step, row.phase, row.loss.map { "loss " + Self.number($0) } ?? "",
                row.sharpness.map { "S " + Self.number($0) } ?? "",
                row.stepsPerSecond.map { String(format: $0 >= 100 ? "%.0f steps/s" : "%.3g steps/s", $0) } ?? "",
                row.secondsRemaining.map { "ends in " + ProgressBar.duration($0) } ?? "",
            ]
        }
        var widths = [Int](repeating: 0, count: 8)
        for fields in table { for (i, f) in fields.enumerated() { widths[i] = max(widths[i], f.count) } }
        let body = table.map { fields in
            "  "
                + fields.enumerated().map { i, f in f.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return [summary] + body
    }

    static func number(_ x: Double) -> String { String(format: "%.4g", x) }

    /// The view of the running coordinator `machine` (`eos sweep`): progress from its memory.
    static func live(name: String, machine: CoordinatorStateMachine) throws(JournalError) -> SweepView {
        let counts = try machine.journal.counts()
        let rows = machine.running.map { task in
            let reported = !task.phase.isEmpty
            let remaining = task.stepsPerSecond.map { Double(max(0, task.totalSteps - task.step)) / $0 }
            return Row(
                label: task.label, worker: task.worker, step: reported ? task.step : nil, totalSteps: task.totalSteps,
                phase: task.phase, loss: task.loss, sharpness: task.sharpness, stepsPerSecond: task.stepsPerSecond,
                secondsRemaining: remaining)
        }
        let progress = machine.running.map { task in
            TaskProgress(
                taskKey: task.taskKey, leaseID: "", worker: task.worker, step: task.step, totalSteps: task.totalSteps,
                phase: task.phase, stepsPerSecond: task.stepsPerSecond, updated: 0)
        }
        let average = try machine.journal.progress(activeWorkers: 1).averageTaskDuration
        let eta = Progress(
            averageTaskDuration: average, queued: counts.queued, running: progress, leased: counts.leased,
            workers: max(1, machine.workerCount)
        ).estimatedTimeRemaining
        return SweepView(name: name, counts: counts, workers: machine.workerCount, eta: eta, rows: rows)
    }

    /// The view of `journal` from another process (`eos status`): the progress the coordinator
    /// stored last (a few seconds old at most).
    static func stored(_ journal: SweepJournal) throws(JournalError) -> SweepView {
        let counts = try journal.counts()
        let name = try journal.sweep()?.name ?? "(not synchronized yet)"
        let progress = try journal.runningProgress()
        let byKey = Dictionary(progress.map { ($0.taskKey, $0) }, uniquingKeysWith: { a, _ in a })
        let running = try journal.tasks(in: .leased)
        let rows = running.map { task in
            let p = byKey[task.key]
            return Row(
                label: TaskName.label(key: task.key, gridJSON: task.gridJSON), worker: p?.worker ?? task.worker ?? "?",
                step: p?.step, totalSteps: p?.totalSteps ?? 0, phase: p?.phase ?? "", loss: p?.loss, sharpness: p?.sharpness,
                stepsPerSecond: p?.stepsPerSecond, secondsRemaining: p?.secondsRemaining)
        }
        let average = try journal.progress(activeWorkers: 1).averageTaskDuration
        let eta = Progress(
            averageTaskDuration: average, queued: counts.queued, running: progress, leased: counts.leased,
            workers: max(1, counts.leased)
        ).estimatedTimeRemaining
        return SweepView(name: "sweep " + name, counts: counts, workers: nil, eta: eta, rows: rows)
    }
}

/// Lines redrawn in place on a terminal (cursor up over the previous block, clear, draw), or,
/// on anything else, one timestamped line when `key` changes or `every` seconds have passed.
final class LiveBlock {
    private let isTerminal: Bool
    private let every: Double
    private var drawn = 0
    private var lastKey: String?
    private var lastPlain = Date.distantPast
    private let write: (String) -> Void

    init(isTerminal: Bool, every: Double = 30, write: @escaping (String) -> Void) {
        self.isTerminal = isTerminal
        self.every = every
        self.write = write
    }

    /// Shows `lines` (terminal) or `line` (otherwise, when `key` changed or `every` passed).
    func show(lines: [String], line: String, key: String) {
        if isTerminal {
            let up = drawn > 0 ? "\u{1B}[\(drawn)F\u{1B}[J" : ""
            write(up + lines.map { $0 + "\n" }.joined())
            drawn = lines.count
        } else if key != lastKey || Date().timeIntervalSince(lastPlain) >= every {
            write("[\(isoTimestamp())] \(line)\n")
            lastKey = key
            lastPlain = Date()
        }
    }
}

/// Now as ISO 8601 with the local offset, e.g. `2026-12-06T03:09:36+01:00`: the timestamps of log lines.
func isoTimestamp(_ date: Date = Date()) -> String { ISO8601Time.localSeconds(date.timeIntervalSince1970) }
