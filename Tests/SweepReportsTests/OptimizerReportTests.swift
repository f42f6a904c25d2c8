import Foundation
import Testing
import SweepJournal
@testable import SweepReports

/// Reports of runs with other optimizers than gd (docs/THEORY.md §11): each run's own threshold
/// is drawn, adam's and rmsprop's preconditioned sharpness is what is plotted against it, and the
/// tables get a `threshold` column. A gd-only report is unchanged (the golden files).
@Suite struct OptimizerReportTests {
    /// η = 0.01, adam: threshold 38/η = 3800; its trace's preconditioned sharpness rises to it,
    /// its plain sharpness is `plain` everywhere.
    static func adamRun(in folder: URL, threshold: Double? = 3800, plain: Double = 5) throws -> String {
        let directory = folder.appendingPathComponent("adam-run")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var trace = ["step,loss,accuracy,grad_norm,sharpness,sharpness_at,preconditioned_sharpness"]
        for t in 0...40 {
            let measured = t % 5 == 0
            let s = 3800 * min(1, 0.2 + 0.05 * Double(t)) * (1 + 0.02 * (t % 2 == 0 ? 1 : -1))
            trace.append(
                "\(t),\(Foundation.exp(-Double(t) / 10)),0.5,0.1,\(measured ? "\(plain)" : ""),\(measured ? "iterate" : ""),\(measured ? "\(s)" : "")"
            )
        }
        let config = """
            {"data":{"name":"synthetic","n":64},"loss":{"name":"mse"},"model":{"activation":"tanh","arch":"mlp","depth":1,"width":8},\
            "train":{"lr":0.01,"optimizer":"adam","momentum":0.9,"beta2":0.999,"epsilon":1e-8,"steps":40}}
            """
        let summary = """
            {"status":"completed","stop_reason":"steps","steps_done":40,"two_over_eta":200,\(threshold.map { "\"threshold\":\($0)," } ?? "")\
            "sharpness_at":"iterate","eos_step":20,"sharpness_ratio_median":1.0,"max_sharpness":\(plain),"final_loss":0.0183}
            """
        for (name, text) in ["config.json": config, "summary.json": summary, "trace.csv": trace.joined(separator: "\n") + "\n"] {
            try Data(text.utf8).write(to: directory.appendingPathComponent(name))
        }
        return directory.path
    }

    static func dashedLines(_ svg: String) -> [Substring] {
        svg.split(separator: "\n").filter { $0.hasPrefix("<line") && $0.contains("stroke-dasharray") }
    }

    @Test func anAdamRunDrawsItsPreconditionedSharpnessAgainstItsThreshold() throws {
        let folder = try ReportFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try Report.make(source: try Self.adamRun(in: folder))
        let svg = try #require(report.figures.first { $0.name == "sharpness" }).svg
        #expect(svg.contains("threshold (dashed)") && !svg.contains("2/η (dashed)"))
        #expect(svg.contains("preconditioned sharpness"))
        #expect(report.figures.first?.caption.contains("(2 + 2β₁)/((1 − β₁)η) for adam") == true)
        // The series is the preconditioned column: the plain sharpness does not move it.
        let other = try Report.make(source: try Self.adamRun(in: folder.appendingPathComponent("b"), plain: 7))
        #expect(other.figures.first { $0.name == "sharpness" }?.svg == svg)
        // The dashed line is the recorded threshold: another threshold draws another line.
        let moved = try Report.make(source: try Self.adamRun(in: folder.appendingPathComponent("c"), threshold: 3000))
        let movedSVG = try #require(moved.figures.first { $0.name == "sharpness" }).svg
        #expect(Self.dashedLines(movedSVG) != Self.dashedLines(svg))
        // The tables name it.
        let header = report.summaryCSV.split(separator: "\n")[0]
        #expect(
            header.hasSuffix(",lambda2_max_ratio,central_loss_error_median,central_distance_ratio,central_directions_max,threshold")
                && report.summaryCSV.split(separator: "\n")[1].hasSuffix(",3800"))
        #expect(report.html.contains("<th>threshold</th>"))
    }

    /// A summary without `threshold` (written before optimizers existed) is a gd run's: its line is 2/η.
    @Test func aSummaryWithoutThresholdDrawsTwoOverEta() throws {
        let folder = try ReportFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let old = try ReportFixtures.makeRunDirectory(in: folder)
        let before = try #require(try Report.make(source: old).figures.first { $0.name == "sharpness" }).svg
        let path = old + "/summary.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\"two_over_eta\":4.0,", with: "\"two_over_eta\":4.0,\"threshold\":4.0,").utf8)
            .write(to: URL(fileURLWithPath: path))
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("\"threshold\":4.0"))
        let after = try #require(try Report.make(source: old).figures.first { $0.name == "sharpness" }).svg
        #expect(after == before)
    }

    /// A sweep over optimizer × η: one panel per optimizer, each run's own threshold, the heatmap
    /// in units of the threshold.
    @Test func anOptimizerSweepDrawsEachRunsThreshold() throws {
        let folder = try ReportFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("journal.sqlite").path
        let journal = try SweepJournal.openAsCoordinator(path: path, now: 1000)
        let cells: [(optimizer: String, eta: Double, threshold: Double)] = [
            ("gd", 0.5, 4), ("gd", 1, 2), ("polyak", 0.5, 7.6), ("polyak", 1, 3.8),
        ]
        let tasks = cells.enumerated().map { i, cell in
            (
                key: ReportFixtures.key(i + 1),
                configJSON: ReportFixtures.config(eta: cell.eta, width: 8, tracked: false)
                    .replacingOccurrences(of: "\"train\":{", with: "\"train\":{\"optimizer\":\"\(cell.optimizer)\","),
                gridJSON: "{\"train.optimizer\":\"\(cell.optimizer)\",\"train.lr\":\(cell.eta)}"
            )
        }
        _ = try journal.synchronize(
            sweepName: "optimizers", specText: "[sweep]\nname = \"optimizers\"\n", toolVersion: "test", tasks: tasks, now: 1000)
        for cell in cells {
            let lease = try journal.lease(worker: "w", now: 1001, leaseDuration: 60)!
            let summary = ReportFixtures.summary(eta: cell.eta, status: "completed", eosStep: 15, ratio: 1.0, tracked: false)
                .replacingOccurrences(of: "\"sharpness_at\"", with: "\"threshold\":\(cell.threshold),\"sharpness_at\"")
            _ = try journal.complete(
                taskKey: lease.taskKey, leaseID: lease.leaseID, summaryJSON: summary,
                files: ["trace.csv": ReportFixtures.trace(eta: cell.eta)], resumed: false, now: 1002)
        }
        try journal.close(now: 1003)
        let report = try Report.make(source: path)
        let sharpness = try #require(report.figures.first { $0.name == "sharpness" }).svg
        #expect(sharpness.contains("train.optimizer = gd") && sharpness.contains("train.optimizer = polyak"))
        #expect(sharpness.contains("threshold (dashed)"))
        // Four runs, four thresholds (gd's 2/η and polyak's 3.8/η) at four heights, plus the legend's key.
        let dashed = Self.dashedLines(sharpness)
        #expect(dashed.count == 5 && Set(dashed.map { $0.split(separator: " ").filter { $0.hasPrefix("y1=") } }).count == 5)
        let heatmap = try #require(report.figures.first { $0.name == "heatmap" }).svg
        #expect(heatmap.contains("S/threshold") && !heatmap.contains("S·η/2"))
    }
}
