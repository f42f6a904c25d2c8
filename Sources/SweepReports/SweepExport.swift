import Configuration
import Foundation
import RunRecord
import SweepJournal

/// `eos export` (docs/CONFIGURATION.md §8): a sweep's tasks as one table for pandas and friends —
/// per task its status, its configuration (the keys that matter), its summary, its timings and
/// where its files are — and, with `--history`, every row of one of its CSV files (trace.csv by
/// default) with the task's columns in front. `python/eos_frames.py` builds the same tables.
public struct SweepExport {
    /// The configuration keys every export shows: what names a run in the field.
    public static let alwaysShown = [
        "model.arch", "model.depth", "model.width", "model.activation", "loss.name", "train.lr", "train.steps",
    ]

    public let journalPath: String
    /// Where the sweep's task folders are (the journal's folder unless it records another).
    let taskFolders: TaskFolders
    let tasks: [TaskRecord]
    /// Each task's `config.json` as dotted leaves (keys it does not read are absent).
    let configs: [[String: JSONValue]]
    /// The configuration columns: the grid's axes in the specification's order, then, sorted,
    /// the keys the specification sets, the keys whose value differs between tasks and `alwaysShown`.
    public let configColumns: [String]

    /// Reads every task of the journal at `path` (read-only; works while the sweep runs).
    public static func load(journal path: String) throws(ReportError) -> SweepExport {
        let tasks: [TaskRecord]
        let specText: String
        let taskFolders: TaskFolders
        do {
            let journal = try SweepJournal.openReadOnly(path: path)
            taskFolders = journal.taskFolders
            tasks = try journal.tasks()
            specText = try journal.sweep()?.specText ?? ""
        } catch {
            throw .journal(error.description)
        }
        // A task's resolved configuration, with its grid values where config.json leaves a key out
        // (a default the run does not read, e.g. train.optimizer = "gd").
        let configs = tasks.map { task in
            let grid = (try? JSONValue(parsing: task.gridJSON))?.dottedLeaves ?? [:]
            return ((try? JSONValue(parsing: task.configJSON))?.dottedLeaves ?? [:]).merging(grid) { config, _ in config }
        }
        let specification = try? SweepSpecification.loadWithoutTasks(tomlText: specText, file: path)
        let gridKeys =
            specification?.gridKeys
            ?? Array(Set(tasks.flatMap { (try? JSONValue(parsing: $0.gridJSON))?.dottedLeaves.keys ?? [:].keys })).sorted()
        let allKeys = Set(configs.flatMap(\.keys))
        let varying = allKeys.filter { key in Set(configs.map { $0[key].map(canonicalJSON) ?? "" }).count > 1 }
        let shown = Set(alwaysShown).union(specification?.setKeys ?? []).union(varying).subtracting(gridKeys)
        return SweepExport(
            journalPath: path, taskFolders: taskFolders, tasks: tasks, configs: configs,
            configColumns: gridKeys + shown.sorted())
    }

    /// The summary columns after the configuration's: the EoS summary fields (docs/CONFIGURATION.md
    /// §6), the run's stability threshold (2/η for gd, the optimizer's otherwise), how the run
    /// went, then where and when it ran. `timingKeys` are those of ``timingKeys(of:)``.
    static func summaryColumns(timingKeys: [String]) -> [String] {
        RunSummary.Field.edgeOfStability.map(\.rawValue) + ["threshold", "steps_done"] + timingKeys.map { "time_" + $0 }
            + ["resumed_from_checkpoint", "blas_threads", "version", "checkpoint_error"]
            + ["worker", "started", "finished", "wall_seconds", "run_folder", "error"]
    }

    /// `timings` keys: total, gd, eigen, tracking, then any other one of `summaries` has, sorted.
    static func timingKeys(of summaries: [RunSummary?]) -> [String] {
        let standard = ["total", "gd", "eigen", "tracking"]
        let others = Set(summaries.compactMap { $0?.timings.keys }.flatMap { $0 }).subtracting(standard)
        return standard + others.sorted()
    }

    /// Each task's summary, in task order (nil without one); throws for a stored summary that
    /// is not a run record.
    func summaries() throws(ReportError) -> [RunSummary?] {
        var summaries: [RunSummary?] = []
        summaries.reserveCapacity(tasks.count)
        for task in tasks {
            guard let text = task.summaryJSON else {
                summaries.append(nil)
                continue
            }
            do { summaries.append(try RunSummary(parsing: text)) } catch {
                throw .malformedFile(
                    name: "task \(task.key) summary.json", line: nil,
                    reason: "\(error); export it with --format json to see the stored text")
            }
        }
        return summaries
    }

    /// The task's folder, `<out>/tasks/<key>`: where `eos sweep` and local workers run it and the
    /// coordinator writes its files (docs/ARCHITECTURE.md §6).
    func runFolder(_ key: String) -> String { taskFolders.folder(taskKey: key).path }

    /// `--format csv`: the header, then one row per task in grid order (stale tasks last).
    public func summaryCSV() throws(ReportError) -> String {
        let summaries = try summaries()
        let timing = Self.timingKeys(of: summaries)
        var lines = [
            csvLine(["key", "status", "attempts", "run_status", "stop_reason"] + configColumns + Self.summaryColumns(timingKeys: timing))
        ]
        for (index, task) in tasks.enumerated() {
            let summary = summaries[index]
            let config = configs[index]
            var row = [task.key, task.state.rawValue, "\(task.attempts)", Self.cell(summary?[.status]), Self.cell(summary?[.stopReason])]
            row += configColumns.map { Self.cell(config[$0]) }
            row += RunSummary.Field.edgeOfStability.map { Self.cell(summary?[$0]) }
            row.append(Self.cell(summary?[.threshold]))
            row.append(Self.cell(summary?[.stepsDone]))
            row += timing.map { key in summary?.timings[key].map { Self.cell(.number($0)) } ?? "" }
            row += [.resumedFromCheckpoint, .blasThreads, .version, .checkpointError].map { Self.cell(summary?[$0]) }
            row += [
                task.worker ?? "", task.started.map(Self.timestamp) ?? "", task.finished.map(Self.timestamp) ?? "",
                Self.wallSeconds(task).map { Self.cell(.number($0)) } ?? "", runFolder(task.key), task.lastError ?? summary?.error ?? "",
            ]
            lines.append(csvLine(row))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `--format json`: an array, one object per task: `key`, `status`, `attempts`, `grid`,
    /// `config` (nested, as `config.json`), `summary` (`summary.json` or null), `error`, `worker`,
    /// `started`, `finished` (ISO 8601) and `run_folder`.
    public func json() -> String {
        func parse(_ text: String?) -> JSONValue { text.flatMap { try? JSONValue(parsing: $0) } ?? .null }
        let array = JSONValue.array(
            tasks.map { task in
                .object([
                    "key": .string(task.key), "config": parse(task.configJSON), "grid": parse(task.gridJSON),
                    "status": .string(task.state.rawValue), "attempts": .integer(task.attempts),
                    "summary": parse(task.summaryJSON), "error": task.lastError.map { .string($0) } ?? .null,
                    "worker": task.worker.map { .string($0) } ?? .null,
                    "started": task.started.map { .string(Self.timestamp($0)) } ?? .null,
                    "finished": task.finished.map { .string(Self.timestamp($0)) } ?? .null,
                    "run_folder": .string(runFolder(task.key)),
                ])
            })
        return prettyJSON(array) + "\n"
    }

    /// `--history`: `key,status`, the configuration columns, then the columns of `file` (the union
    /// over the tasks, in the order first seen), one row per row of each task's file — the stored
    /// file of a finished task, the live one in its folder for a running task (up to its last
    /// whole line). Handed to `write` in pieces (the header, then one task at a time).
    public func historyCSV(file: String, write: (String) -> Void) throws(ReportError) {
        var texts: [String?] = []
        var columns: [String] = []
        do {
            let journal = try SweepJournal.openReadOnly(path: journalPath)
            for task in tasks {
                var text = try journal.file(taskKey: task.key, name: file)
                if text == nil && task.state == .leased {
                    text = ReportInput.liveFiles(of: task.key, in: journal.taskFolders)[file]
                }
                texts.append(text)
            }
        } catch {
            throw .journal(error.description)
        }
        for text in texts.compactMap({ $0 }) {
            let header = text.prefix { $0 != "\n" }.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for column in header where !columns.contains(column) { columns.append(column) }
        }
        write(csvLine(["key", "status"] + configColumns + columns) + "\n")
        for (index, task) in tasks.enumerated() {
            guard let text = texts[index] else { continue }
            let table = try CSVTable(parsing: text, name: "task \(task.key) \(file)")
            let front = [task.key, task.state.rawValue] + configColumns.map { Self.cell(configs[index][$0]) }
            let positions = columns.map { table.columns.firstIndex(of: $0) }
            var chunk = ""
            for row in table.cells {
                chunk += csvLine(front + positions.map { $0.map { row[$0] } ?? "" }) + "\n"
            }
            write(chunk)
        }
    }

    /// A JSON value as CSV text: strings bare, numbers and lists as in JSON, null (or absent) empty.
    static func cell(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: ""
        case .string(let s)?: s
        case let other?: canonicalJSON(other)
        }
    }

    /// Unix seconds as ISO 8601 in UTC to the millisecond (``ISO8601Time/utcMilliseconds(_:)``).
    static func timestamp(_ seconds: Double) -> String { ISO8601Time.utcMilliseconds(seconds) }

    /// finished − started of a task that ended (done or failed), in seconds.
    static func wallSeconds(_ task: TaskRecord) -> Double? {
        guard let started = task.started, let finished = task.finished, finished >= started else { return nil }
        return finished - started
    }
}
