import ArgumentParser
import Configuration
import Foundation
import SweepJournal

/// `eos export JOURNAL --format csv|json` (docs/CONFIGURATION.md §8).
///
/// JSON: an array, one object per task: `key`, `config` (nested, as `config.json`), `status`
/// (queued | leased | done | failed | stale), `attempts`, `summary` (`summary.json` or null),
/// `error` (the last error or null). CSV: `key,status,attempts,run_status,stop_reason`, one
/// column per grid axis (dotted key), then the EoS summary fields; null is an empty field.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "The per-task summaries of a sweep as CSV or JSON (for pandas and friends).")

    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }

    @OptionGroup var journalFile: JournalFileArgument

    @Option(help: "csv or json.")
    var format: Format

    /// The EoS summary fields of docs/CONFIGURATION.md §6, in its order: the CSV's last columns.
    static let summaryFields = [
        "two_over_eta", "sharpness_at", "eos_step", "sharpness_ratio_median", "sharpness_ratio_p10",
        "sharpness_ratio_p90", "max_sharpness", "final_loss", "final_accuracy", "loss_nonmonotone_steps",
        "track_start_step", "dist_median", "dist_max", "pred_error_median", "loss_pred_rel_error_median",
        "sharpness_pred_rel_error_median", "gf_dist_median", "lambda2_max_ratio",
    ]

    func run() throws {
        let tasks: [TaskRecord]
        let gridKeys: [String]
        do {
            let journal = try SweepJournal.openReadOnly(path: journalFile.journal)
            tasks = try journal.tasks()
            let specText = try journal.sweep()?.specText ?? ""
            gridKeys = (try? SweepSpecification.load(tomlText: specText, file: journalFile.journal).gridKeys)
                ?? Array(Set(tasks.flatMap { (try? JSONValue(parsing: $0.gridJSON))?.dottedLeaves.keys ?? [:].keys })).sorted()
        } catch {
            throw fail(error.description)
        }
        let text = format == .json ? Self.json(tasks) : Self.csv(tasks, gridKeys: gridKeys)
        Console.output(text)
    }

    static func parse(_ text: String?) -> JSONValue {
        text.flatMap { try? JSONValue(parsing: $0) } ?? .null
    }

    static func json(_ tasks: [TaskRecord]) -> String {
        let array = JSONValue.array(tasks.map { task in
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

    static func csv(_ tasks: [TaskRecord], gridKeys: [String]) -> String {
        var lines = [(["key", "status", "attempts", "run_status", "stop_reason"] + gridKeys + summaryFields)
            .map(field).joined(separator: ",")]
        for task in tasks {
            let config = parse(task.configJSON).dottedLeaves
            var summary: [String: JSONValue] = [:]
            if case .object(let fields) = parse(task.summaryJSON) { summary = fields }
            let row = [task.key, task.state.rawValue, "\(task.attempts)", cell(summary["status"]),
                       cell(summary["stop_reason"])]
                + gridKeys.map { cell(config[$0]) } + summaryFields.map { cell(summary[$0]) }
            lines.append(row.map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A JSON value as CSV text: strings bare, numbers as in JSON, null (or absent) empty.
    static func cell(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: ""
        case .string(let s)?: s
        case let other?: canonicalJSON(other)
        }
    }

    /// RFC 4180 quoting where needed.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
