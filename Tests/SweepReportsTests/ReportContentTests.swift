import Foundation
import Testing
@testable import SweepReports

/// What the report says about the fixed inputs, checked against the inputs themselves
/// (the golden files pin the bytes; these tests pin the meaning).
@Suite struct ReportContentTests {
    static func sweepReport() throws -> Report {
        let folder = try ReportFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        return try Report.make(source: try ReportFixtures.makeJournal(in: folder))
    }

    @Test func summaryCSVHasOneRowPerTaskWithTheJournalsValues() throws {
        let rows = try Self.sweepReport().summaryCSV.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let header = rows[0]
        #expect(Array(header.prefix(7)) == ["run", "key", "state", "run_status", "stop_reason", "train.lr", "model.width"])
        #expect(rows.count == 5)
        func value(_ row: Int, _ column: String) -> String { rows[row][header.firstIndex(of: column)!] }
        #expect(value(1, "key") == ReportFixtures.key(1))
        #expect(value(1, "sharpness_ratio_median") == "0.995" && value(1, "eos_step") == "15")
        #expect(value(1, "two_over_eta") == "4" && value(1, "track_start_step") == "20")
        #expect(value(2, "train.lr") == "1" && value(2, "model.width") == "8")
        #expect(value(3, "run_status") == "diverged" && value(3, "sharpness_ratio_median") == "")
        #expect(value(4, "state") == "failed" && value(4, "run_status") == "")
    }

    @Test func heatmapMarksEveryCellByItsOutcome() throws {
        let svg = try #require(try Self.sweepReport().figures.first { $0.name == "heatmap" }).svg
        #expect(svg.contains(">0.995</text>") && svg.contains(">0.985</text>"))
        #expect(svg.components(separatedBy: ">t = 15</text>").count - 1 == 2)
        #expect(svg.contains("font-weight=\"bold\">diverged</text>"))
        #expect(svg.contains("font-weight=\"bold\">failed</text>"))
    }

    @Test func sharpnessFigureHasATwoOverEtaLinePerRunInItsColour() throws {
        let svg = try #require(try Self.sweepReport().figures.first { $0.name == "sharpness" }).svg
        let dashed = svg.split(separator: "\n").filter { $0.hasPrefix("<line") && $0.contains("stroke-dasharray=\"5 4\"") }
        // width 8: η = 0.5 (blue) and η = 1 (vermillion); width 16: η = 0.5; plus the legend's key.
        #expect(dashed.filter { $0.contains("#0072B2") }.count == 2)
        #expect(dashed.filter { $0.contains("#D55E00") }.count == 1)
        #expect(dashed.count == 4)
        #expect(svg.contains("(diverged: η = 0.5)"))
    }

    /// 2/η is drawn where the run recorded it (`two_over_eta` of summary.json), not re-derived
    /// from the configuration: a config.json without `train.lr` draws the same dashed lines.
    @Test func twoOverEtaLinesComeFromTheRunsSummary() throws {
        let folder = try ReportFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try ReportFixtures.makeRunDirectory(in: folder)
        func dashedLines() throws -> [String] {
            try Report.make(source: run).figures.filter { $0.name != "phase-portrait" }.flatMap { figure in
                figure.svg.split(separator: "\n").filter { $0.hasPrefix("<line") && $0.contains("stroke-dasharray") }
                    .map { figure.name + ": " + $0 }
            }
        }
        let recorded = try dashedLines()
        let config = ReportFixtures.config(eta: 0.5, width: 8, tracked: true).replacingOccurrences(of: "\"lr\":0.5,", with: "")
        try Data(config.utf8).write(to: URL(fileURLWithPath: run + "/config.json"))
        #expect(recorded.contains { $0.hasPrefix("sharpness: ") } && recorded.contains { $0.hasPrefix("tracking: ") })
        #expect(try dashedLines() == recorded)
    }

    @Test func indexHTMLIsSelfContainedWithOneFigurePerSVG() throws {
        let report = try Self.sweepReport()
        let html = report.html
        #expect(html.components(separatedBy: "<figure ").count - 1 == report.figures.count)
        #expect(html.components(separatedBy: "<svg ").count - 1 == report.figures.count)
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("<link"))
        let urls = html.components(separatedBy: "http").count - 1
        #expect(urls == html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1)
    }

    @Test func writeCreatesEveryFile() throws {
        let folder = try ReportFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try Report.make(source: try ReportFixtures.makeRunDirectory(in: folder))
        let out = folder.appendingPathComponent("out/nested")
        try report.write(to: out.path)
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(names == ["index.html", "phase-portrait.svg", "sharpness.svg", "summary.csv", "tracking.svg"])
        #expect(
            try String(contentsOf: out.appendingPathComponent("tracking.svg"), encoding: .utf8)
                == report.figures[1].svg)
    }

    @Test func badSourcesAreRefusedWithTheirPath() throws {
        let folder = try ReportFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("nothing").path
        #expect(throws: ReportError.notASource(path: missing)) { try Report.make(source: missing) }
        #expect(throws: ReportError.notASource(path: folder.path)) { try Report.make(source: folder.path) }
        let run = try ReportFixtures.makeRunDirectory(in: folder)
        try FileManager.default.removeItem(atPath: run + "/trace.csv")
        #expect(throws: ReportError.missingFile(path: run + "/trace.csv")) { try Report.make(source: run) }
        try Data(#"{"stop_reason":"finished","steps_done":40}"#.utf8).write(to: URL(fileURLWithPath: run + "/summary.json"))
        #expect(
            throws: ReportError.malformedFile(
                name: run + "/summary.json", line: nil,
                reason: "stop_reason: string \"finished\" is not valid")
        ) {
            try Report.make(source: run)
        }
        let text = folder.appendingPathComponent("notes.txt")
        try Data("hello".utf8).write(to: text)
        #expect {
            try Report.make(source: text.path)
        } throws: { error in
            guard case .journal(let message)? = error as? ReportError else { return false }
            return message.contains("notes.txt") && !message.contains("\n")
        }
    }
}
