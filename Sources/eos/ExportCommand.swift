import ArgumentParser
import Foundation
import SweepReports

/// `eos export JOURNAL [--format csv|json] [--history [--file NAME]]` (docs/CONFIGURATION.md §8):
/// the per-task table (``SweepExport``), or with `--history` every row of every task's
/// trace.csv (or `--file`), as CSV for pandas and friends.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "A sweep's tasks — configuration, status, summary, timings — as CSV or JSON, or every trace row (--history).")

    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }

    @OptionGroup var journalFile: JournalFileArgument

    @Option(help: "csv or json.")
    var format: Format = .csv

    @Flag(help: "Every row of every task's trace.csv (or --file) with the task's columns in front, as CSV.")
    var history = false

    @Option(help: "With --history: the run file to stack, e.g. track.csv.")
    var file = "trace.csv"

    func validate() throws {
        if history && format == .json { throw ValidationError("--history writes CSV only; leave out --format json") }
        if file != "trace.csv" && !history { throw ValidationError("--file goes with --history") }
        if file.isEmpty || file.contains("/") { throw ValidationError("--file must be a file name of a run directory, e.g. track.csv") }
    }

    func run() throws {
        do {
            let export = try SweepExport.load(journal: journalFile.journal)
            if history {
                try export.historyCSV(file: file) { Console.output($0) }
            } else {
                Console.output(format == .json ? export.json() : try export.summaryCSV())
            }
        } catch {
            throw fail(error.description)
        }
    }
}
