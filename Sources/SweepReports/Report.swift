import Foundation

/// `eos report JOURNAL_OR_RUN_DIR --out DIR` (docs/CONFIGURATION.md §8): the figures of a sweep or of one run,
/// each as `<name>.svg`, all of them inline in a self-contained `index.html`, and `summary.csv`.
///
/// A sweep gives one sharpness-vs-step figure per combination of the axes other than η and
/// width (``SharpnessFigure``), the grid heatmap (``GridHeatmapFigure``; a second one of
/// `central_loss_error_median` when runs have it), for every central run its
/// ``CentralFlowFigure``, and for every tracked run its ``TrackingFigure`` and
/// ``PhasePortraitFigure``; a run directory gives its sharpness figure and the others it has. The output depends on the input only (no dates,
/// no paths), so reports can be compared and checked in.
public struct Report: Sendable {
    public let figures: [Figure]
    public let summaryCSV: String
    public let html: String

    /// Reads a sweep journal or a run directory at `path` and makes its report, with time along
    /// `time` (GD steps, or η·t).
    public static func make(source path: String, time: TimeAxis = .steps) throws(ReportError) -> Report {
        Report(input: try ReportInput.load(path: path), time: time)
    }

    init(input: ReportInput, time: TimeAxis = .steps) {
        var figures: [Figure] = []
        let axes = GridAxes(gridKeys: input.gridKeys)
        let runs = input.runs
        switch input.kind {
        case .sweep:
            for group in axes.facetGroups(runs) where group.runs.contains(where: { $0.trace != nil }) {
                let name = group.label.isEmpty ? "sharpness" : "sharpness-" + slug(group.label)
                let heading = input.name + (group.label.isEmpty ? "" : " (\(group.label))")
                figures.append(SharpnessFigure.make(runs: group.runs, axes: axes, name: name, heading: heading, time: time))
            }
            if !input.gridKeys.isEmpty {
                figures.append(GridHeatmapFigure.make(input: input, axes: axes, name: "heatmap"))
                if runs.contains(where: { $0.summary?.centralLossErrorMedian != nil }) {
                    figures.append(
                        GridHeatmapFigure.make(input: input, axes: axes, name: "heatmap-central", metric: .centralLossError))
                }
            }
            // Stale results (tasks an edit left out of the grid), apart from the grid's, marked.
            let stale = input.staleRuns.filter { $0.trace != nil }
            if !stale.isEmpty {
                var keys: [String] = []
                for run in stale { for key in run.grid.keys.sorted() where !keys.contains(key) { keys.append(key) } }
                figures.append(
                    SharpnessFigure.make(
                        runs: stale, axes: GridAxes(gridKeys: keys), name: "sharpness-stale",
                        heading: input.name + " — stale tasks (no longer in the grid)", time: time))
            }
        case .run:
            figures.append(SharpnessFigure.make(runs: runs, axes: axes, name: "sharpness", heading: input.name, time: time))
        }
        for run in runs + input.staleRuns {
            guard let central = run.central else { continue }
            let suffix = input.kind == .run ? "" : "-" + slug(run.label)
            figures.append(
                CentralFlowFigure.make(
                    run: run, central: central, name: "central" + suffix,
                    heading: "\(run.label): GD vs central flow vs gradient flow"))
        }
        for run in runs + input.staleRuns {
            guard let track = run.track else { continue }
            let suffix = input.kind == .run ? "" : "-" + slug(run.label)
            figures.append(
                TrackingFigure.make(
                    run: run, track: track, name: "tracking" + suffix,
                    heading: "\(run.label): GD vs θ† vs prediction", time: time))
            figures.append(
                PhasePortraitFigure.make(
                    run: run, track: track, name: "phase-portrait" + suffix,
                    heading: "\(run.label): phase portrait (|x|, y)"))
        }
        self.figures = figures
        summaryCSV = SummaryTable.csv(input)
        html = HTMLPage.render(input: input, figures: figures)
    }

    /// Writes `index.html`, `summary.csv` and `<figure>.svg` into `directory` (created if
    /// needed); files of an earlier report with the same names are replaced.
    public func write(to directory: String) throws(ReportError) {
        let folder = URL(fileURLWithPath: directory)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: directory, reason: "cannot create the folder")
        }
        var files = [("index.html", html), ("summary.csv", summaryCSV)]
        files += figures.map { ($0.name + ".svg", $0.svg) }
        for (name, text) in files {
            let url = folder.appendingPathComponent(name)
            do {
                try Data(text.utf8).write(to: url, options: .atomic)
            } catch {
                throw .cannotWrite(path: url.path, reason: "\(error.localizedDescription)")
            }
        }
    }
}
