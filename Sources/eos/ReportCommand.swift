import ArgumentParser
import SweepReports

/// `eos report JOURNAL_OR_RUN_DIR --out DIR [--time steps|lr-steps]` (docs/CONFIGURATION.md §8):
/// `index.html` (self-contained: inline SVG and CSS), one `.svg` per figure and `summary.csv`.
/// Reads a live journal too.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Summaries and plots (HTML + SVG) of a sweep or of one run.")

    @Argument(help: "A sweep's journal (<out>/journal.sqlite) or a run directory (the --out of eos run).")
    var source: String

    @Option(help: "The folder for index.html, the .svg figures and summary.csv (created if needed).")
    var out: String

    @Option(help: "Time axis of the figures: steps (GD step t) or lr-steps (η·t, to compare learning rates).")
    var time: Time = .steps

    enum Time: String, ExpressibleByArgument, CaseIterable {
        case steps, lrSteps = "lr-steps"
        var axis: TimeAxis { self == .steps ? .steps : .lrSteps }
    }

    func run() throws {
        do {
            let report = try Report.make(source: source, time: time.axis)
            try report.write(to: out)
            Console.line("\(out)/index.html: \(report.figures.count) figures; \(out)/summary.csv")
        } catch {
            throw fail(error.description)
        }
    }
}
