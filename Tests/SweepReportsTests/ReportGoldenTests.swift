import Foundation
import Testing
@testable import SweepReports

/// The whole output for the fixed inputs of ``ReportFixtures``, byte for byte.
@Suite struct ReportGoldenTests {
    @Test func sweepReportMatchesItsGoldenFiles() throws {
        let folder = try ReportFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try Report.make(source: try ReportFixtures.makeJournal(in: folder))
        #expect(
            report.figures.map(\.name) == [
                "sharpness", "heatmap", "tracking-train.lr-0.5-model.width-8", "phase-portrait-train.lr-0.5-model.width-8",
            ])
        for figure in report.figures { Golden.check(figure.svg, against: "sweep/\(figure.name).svg") }
        Golden.check(report.summaryCSV, against: "sweep/summary.csv")
        Golden.check(report.html, against: "sweep/index.html")
    }

    @Test func runDirectoryReportMatchesItsGoldenFiles() throws {
        let folder = try ReportFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try Report.make(source: try ReportFixtures.makeRunDirectory(in: folder))
        #expect(report.figures.map(\.name) == ["sharpness", "tracking", "phase-portrait"])
        for figure in report.figures { Golden.check(figure.svg, against: "run/\(figure.name).svg") }
        Golden.check(report.summaryCSV, against: "run/summary.csv")
        Golden.check(report.html, against: "run/index.html")
    }

    @Test func theSameInputGivesTheSameBytes() throws {
        let folder = try ReportFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try ReportFixtures.makeJournal(in: folder)
        #expect(try Report.make(source: path).html == (try Report.make(source: path).html))
    }
}
