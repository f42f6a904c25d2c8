import Foundation
import Testing
import Configuration
import RunRecord
@testable import SweepReports

/// The report of central runs (docs/CONFIGURATION.md §8): the central figure of a run directory
/// and the heatmap of `central_loss_error_median` over a grid.
@Suite struct CentralReportTests {
    static let centralCSV = """
        step,gd_loss,gd_loss_avg2,central_loss,pred_loss,gf_loss,critical,k,dist,gf_dist,sdcp_violation,\
        flow_gradients,flow_hvps,flow_third_derivatives,sdcp_iterations,gd_lambda_1,gd_lambda_2,flow_lambda_1,\
        flow_lambda_2,sigma_1,sigma_2,gd_disp2_1,gd_disp2_2
        20,0.50,,0.50,0.51,0.50,1,2,0,0,0,4,16,4,8,4.01,3.5,4.01,3.5,0.02,,0,
        21,0.52,0.51,0.49,0.505,0.49,1,2,0.1,0.1,0,4,16,4,8,4.1,3.6,4.0,3.6,0.03,,0.01,
        22,0.47,0.495,0.48,0.50,0.48,2,3,0.1,0.3,1e-17,4,24,12,9,4.0,4.02,4.0,3.99,0.03,0.01,0.02,0.005

        """

    @Test func aCentralRunDirectoryGetsItsFigure() throws {
        let folder = try ReportFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let directory = folder.appendingPathComponent("central-run")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var summary = RunSummary(stopReason: .steps, stepsDone: 22)
        summary.twoOverEta = 4
        summary.centralLossErrorMedian = 0.02
        summary.centralDistanceRatio = 0.33
        summary.centralDirectionsMax = 2
        let files = [
            "config.json": ReportFixtures.config(eta: 0.5, width: 8, tracked: false),
            "summary.json": summary.text, "trace.csv": ReportFixtures.trace(eta: 0.5), "central.csv": Self.centralCSV,
        ]
        for (name, text) in files { try Data(text.utf8).write(to: directory.appendingPathComponent(name)) }
        let report = try Report.make(source: directory.path)
        let figure = try #require(report.figures.first { $0.name == "central" })
        for text in [
            "GD 2-step average", "L(w) + tr(X)/η (predicted)", "gradient flow", "GD λᵢ(θ)", "flow λᵢ(w)", "2/η", "critical",
            "‖θ − w‖ (central flow)",
        ] {
            #expect(figure.svg.contains(text), "\(text) missing")
        }
        let header = try #require(report.summaryCSV.split(separator: "\n").first)
        #expect(header.hasSuffix("lambda2_max_ratio,central_loss_error_median,central_distance_ratio,central_directions_max"))
        #expect(report.summaryCSV.contains(",0.02,0.33,2"))
    }

    @Test func theGridHeatmapOfTheLossErrorColoursEachCellByIt() throws {
        func run(_ lr: Double, _ error: Double, _ directions: Int) -> ReportRun {
            var summary = RunSummary(stopReason: .steps, stepsDone: 100)
            summary.centralLossErrorMedian = error
            summary.centralDirectionsMax = directions
            return ReportRun(
                label: "train.lr=\(lr)", key: "", state: "done", grid: ["train.lr": .number(lr)], config: [:],
                summary: summary, error: nil, trace: nil, track: nil)
        }
        let input = ReportInput(kind: .sweep, name: "grid", gridKeys: ["train.lr"], runs: [run(0.25, 0.031, 3), run(0.5, 0.12, 5)])
        let figure = GridHeatmapFigure.make(
            input: input, axes: GridAxes(gridKeys: ["train.lr"]), name: "heatmap-central", metric: .centralLossError)
        #expect(figure.svg.contains(">0.031</text>") && figure.svg.contains(">0.12</text>"))
        #expect(figure.svg.contains(">dirs ≤ 5</text>"))
        #expect(figure.title.contains("central_loss_error_median"))
        #expect(Report(input: input).figures.map(\.name).contains("heatmap-central"))
    }
}
