import Configuration
import Foundation
import RunRecord
import SweepJournal

/// What a report shows: a sweep from its journal, or one run directory, read into memory.
struct ReportInput {
    enum Kind: Equatable { case sweep, run }

    var kind: Kind
    /// The sweep's name, or the run directory's last path component.
    var name: String
    /// The grid's axes (dotted keys): η and width first (``GridAxes``), then the others in the
    /// order they first appear in the tasks' grids.
    var gridKeys: [String]
    /// The grid's runs in grid order.
    var runs: [ReportRun]
    /// Stale tasks (no longer in the grid) that have a result: reported apart, marked stale.
    var staleRuns: [ReportRun] = []

    /// Reads `path`: a sweep journal (an SQLite file) or a run directory (a folder with summary.json).
    static func load(path: String) throws(ReportError) -> ReportInput {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .notASource(path: path)
        }
        return isDirectory.boolValue ? try loadRunDirectory(path) : try loadJournal(path)
    }

    static func loadJournal(_ path: String) throws(ReportError) -> ReportInput {
        do {
            let journal = try SweepJournal.openReadOnly(path: path)
            let name = try journal.sweep()?.name ?? URL(fileURLWithPath: path).lastPathComponent
            let all = try journal.tasks()
            let tasks = all.filter { $0.state != .stale }
            var keys: [String] = []
            for task in tasks {
                for key in Self.objectKeys(task.gridJSON) where !keys.contains(key) { keys.append(key) }
            }
            let axes = GridAxes(gridKeys: keys)
            let gridKeys = [axes.first, axes.second].compactMap { $0 } + axes.facets
            var runs: [ReportRun] = []
            for task in tasks {
                let grid = try JSONValue.report(parsing: task.gridJSON, name: "task \(task.key.prefix(12)) grid").objectLeaves
                let orderedKeys = gridKeys.filter { grid[$0] != nil }
                let config = try JSONValue.report(parsing: task.configJSON, name: "task \(task.key.prefix(12)) config")
                    .objectLeaves
                let summary = try task.summaryJSON.map { text throws(ReportError) in
                    try Self.summary(parsing: text, name: "task \(task.key.prefix(12)) summary.json")
                }
                var files = try journal.files(taskKey: task.key)
                if task.state == .leased && files.isEmpty { files = Self.liveFiles(of: task.key, in: journal.taskFolders) }
                let label =
                    orderedKeys.isEmpty
                    ? String(task.key.prefix(12))
                    : orderedKeys.map { "\($0)=\(grid[$0]?.label ?? "")" }.joined(separator: " ")
                runs.append(
                    ReportRun(
                        label: label, key: task.key, state: task.state.rawValue, grid: grid, config: config,
                        summary: summary, error: task.lastError,
                        trace: try files["trace.csv"].map { text throws(ReportError) in
                            try CSVTable(parsing: text, name: "task \(task.key.prefix(12)) trace.csv")
                        },
                        track: try files["track.csv"].map { text throws(ReportError) in
                            try CSVTable(parsing: text, name: "task \(task.key.prefix(12)) track.csv")
                        },
                        central: try files["central.csv"].map { text throws(ReportError) in
                            try CSVTable(parsing: text, name: "task \(task.key.prefix(12)) central.csv")
                        }))
            }
            var staleRuns: [ReportRun] = []
            for task in all where task.state == .stale && task.summaryJSON != nil {
                let grid = try JSONValue.report(parsing: task.gridJSON, name: "task \(task.key.prefix(12)) grid").objectLeaves
                let keys = Self.objectKeys(task.gridJSON)
                let values = keys.map { "\($0)=\(grid[$0]?.label ?? "")" }.joined(separator: " ")
                staleRuns.append(
                    try run(
                        task, grid: grid, label: (values.isEmpty ? String(task.key.prefix(12)) : values) + " (stale)",
                        journal: journal))
            }
            return ReportInput(kind: .sweep, name: name, gridKeys: gridKeys, runs: runs, staleRuns: staleRuns)
        } catch let error as ReportError {
            throw error
        } catch let error as JournalError {
            throw .journal(error.description)
        } catch {
            throw .journal("\(path): \(error)")
        }
    }

    /// A stale task's run: its stored files (a stale task runs no more), its summary.
    private static func run(_ task: TaskRecord, grid: [String: JSONValue], label: String, journal: SweepJournal)
        throws(ReportError) -> ReportRun
    {
        let config = try JSONValue.report(parsing: task.configJSON, name: "task \(task.key.prefix(12)) config").objectLeaves
        let summary = try task.summaryJSON.map { text throws(ReportError) in
            try Self.summary(parsing: text, name: "task \(task.key.prefix(12)) summary.json")
        }
        let files: [String: String]
        do { files = try journal.files(taskKey: task.key) } catch { throw .journal(error.description) }
        return ReportRun(
            label: label, key: task.key, state: task.state.rawValue, grid: grid, config: config, summary: summary,
            error: task.lastError,
            trace: try files["trace.csv"].map { text throws(ReportError) in
                try CSVTable(parsing: text, name: "task \(task.key.prefix(12)) trace.csv")
            },
            track: try files["track.csv"].map { text throws(ReportError) in
                try CSVTable(parsing: text, name: "task \(task.key.prefix(12)) track.csv")
            })
    }

    static func loadRunDirectory(_ path: String) throws(ReportError) -> ReportInput {
        let directory = URL(fileURLWithPath: path)
        func read(_ name: String, required: Bool) throws(ReportError) -> String? {
            let file = directory.appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: file) else {
                if required { throw .missingFile(path: file) }
                return nil
            }
            return String(decoding: data, as: UTF8.self)
        }
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("summary.json").path) else {
            throw .notASource(path: path)
        }
        let name = directory.standardizedFileURL.lastPathComponent
        let config = try JSONValue.report(parsing: try read("config.json", required: true)!, name: path + "/config.json")
        let summary = try Self.summary(parsing: try read("summary.json", required: true)!, name: path + "/summary.json")
        let trace = try CSVTable(parsing: try read("trace.csv", required: true)!, name: path + "/trace.csv")
        let track = try read("track.csv", required: false).map { text throws(ReportError) in
            try CSVTable(parsing: text, name: path + "/track.csv")
        }
        let central = try read("central.csv", required: false).map { text throws(ReportError) in
            try CSVTable(parsing: text, name: path + "/central.csv")
        }
        let run = ReportRun(
            label: name, key: "", state: "done", grid: [:], config: config.objectLeaves,
            summary: summary, error: summary.error,
            trace: trace, track: track, central: central)
        return ReportInput(kind: .run, name: name, gridKeys: [], runs: [run])
    }

    /// The live `trace.csv` and `track.csv` of a running task, read from its task folder
    /// `<out>/tasks/<key>/` (where `eos sweep` and local workers put it; docs/ARCHITECTURE.md §6),
    /// each cut after its last whole line; empty when there is none (a remote worker's disk).
    static func liveFiles(of key: String, in folders: TaskFolders) -> [String: String] {
        let folder = folders.folder(taskKey: key)
        var files: [String: String] = [:]
        for name in ["trace.csv", "track.csv"] {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            guard let end = text.lastIndex(of: "\n") else { continue }
            files[name] = String(text[...end])
        }
        return files
    }

    /// A `summary.json` text as the run record; `name` says which in the error.
    private static func summary(parsing text: String, name: String) throws(ReportError) -> RunSummary {
        do { return try RunSummary(parsing: text) } catch {
            throw .malformedFile(name: name, line: nil, reason: error.description)
        }
    }

    /// The keys of a flat JSON object in their textual order (JSONDecoder forgets it).
    private static func objectKeys(_ json: String) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            return []
        }
        return object.keys.sorted { a, b in
            (json.range(of: "\"\(a)\"")?.lowerBound ?? json.endIndex) < (json.range(of: "\"\(b)\"")?.lowerBound ?? json.endIndex)
        }
    }
}
