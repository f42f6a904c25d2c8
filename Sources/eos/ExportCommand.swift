import ArgumentParser
import Configuration
import Foundation
import RunRecord
import SweepJournal

/// `eos export JOURNAL --format csv|json` (docs/CONFIGURATION.md §8).
///
/// JSON: an array, one object per task: `key`, `config` (nested, as `config.json`), `status`
/// (queued | leased | done | failed | stale), `attempts`, `summary` (`summary.json` or null),
/// `error` (the last error or null). CSV: `key,status,attempts,run_status,stop_reason`, one
/// column per grid axis (dotted key), then the EoS summary fields (`RunSummary.Field.edgeOfStability`)
/// and `threshold` when a task has another optimizer than gd (docs/THEORY.md §11); null is an empty field.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "The per-task summaries of a sweep as CSV or JSON (for pandas and friends).")

    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }

    @OptionGroup var journalFile: JournalFileArgument

    @Option(help: "csv or json.")
    var format: Format

    func run() throws {
        let tasks: [TaskRecord]
        let gridKeys: [String]
        do {
            let journal = try SweepJournal.openReadOnly(path: journalFile.journal)
            tasks = try journal.tasks()
            let specText = try journal.sweep()?.specText ?? ""
            gridKeys =
                (try? SweepSpecification.load(tomlText: specText, file: journalFile.journal).gridKeys)
                ?? Array(Set(tasks.flatMap { (try? JSONValue(parsing: $0.gridJSON))?.dottedLeaves.keys ?? [:].keys })).sorted()
        } catch {
            throw fail(error.description)
        }
        let text: String
        do { text = format == .json ? Self.json(tasks) : try Self.csv(tasks, gridKeys: gridKeys) } catch {
            throw fail(String(describing: error))
        }
        Console.output(text)
    }

    static func parse(_ text: String?) -> JSONValue {
        text.flatMap { try? JSONValue(parsing: $0) } ?? .null
    }

    static func json(_ tasks: [TaskRecord]) -> String {
        let array = JSONValue.array(
            tasks.map { task in
                .object([
                    "key": .string(task.key),
                    "config": parse(task.configJSON),
                    "status": .string(task.state.rawValue),
                    "attempts": .integer(task.attempts),
                    "summary": parse(task.summaryJSON),
                    "error": task.lastError.map { .string($0) } ?? .null,
                ])
            })
        return prettyJSON(array) + "\n"
    }

    /// The CSV; a stored summary that is not a run record is an error naming its task.
    static func csv(_ tasks: [TaskRecord], gridKeys: [String]) throws(CSVError) -> String {
        let optimizers = tasks.map { parse($0.configJSON).dottedLeaves["train.optimizer"] ?? .string("gd") }
        let fields = RunSummary.Field.edgeOfStability + (optimizers.allSatisfy { $0 == .string("gd") } ? [] : [.threshold])
        var lines = [csvLine(["key", "status", "attempts", "run_status", "stop_reason"] + gridKeys + fields.map(\.rawValue))]
        for task in tasks {
            let config = parse(task.configJSON).dottedLeaves
            // A grid value config.json leaves out (train.optimizer = "gd", read by no one) is in the grid.
            let grid = parse(task.gridJSON).dottedLeaves
            var summary: RunSummary?
            if let text = task.summaryJSON {
                do { summary = try RunSummary(parsing: text) } catch { throw CSVError(taskKey: task.key, reason: error) }
            }
            let row =
                [
                    task.key, task.state.rawValue, "\(task.attempts)", cell(summary?[.status]),
                    cell(summary?[.stopReason]),
                ]
                + gridKeys.map { cell(grid[$0] ?? config[$0]) } + fields.map { cell(summary?[$0]) }
            lines.append(csvLine(row))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A task whose stored summary cannot be read as a run record.
    struct CSVError: Error, CustomStringConvertible {
        let taskKey: String
        let reason: RunSummaryError
        var description: String { "task \(taskKey) summary.json: \(reason); export it with --format json to see the stored text" }
    }

    /// A JSON value as CSV text: strings bare, numbers as in JSON, null (or absent) empty.
    static func cell(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: ""
        case .string(let s)?: s
        case let other?: canonicalJSON(other)
        }
    }
}
