import Foundation
import Testing
@testable import SweepReports

/// Every column of `eos export` (the table, `--history`'s front) and of a report's summary.csv is
/// named in docs/CONFIGURATION.md.
@Suite struct DocumentedExportColumnsTests {
    @Test func everyExportAndReportColumnIsDocumented() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/CONFIGURATION.md")
        let reference = try String(contentsOf: url, encoding: .utf8)
        let folder = try ReportFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = try ReportFixtures.makeJournal(in: folder)
        let export = try SweepExport.load(journal: journal)
        let table = try export.summaryCSV().split(separator: "\n")[0].split(separator: ",").map(String.init)
        var history = ""
        try export.historyCSV(file: "trace.csv") { history += $0 }
        let front = history.split(separator: "\n")[0].split(separator: ",").map(String.init)
        let report = try Report.make(source: journal).summaryCSV.split(separator: "\n")[0].split(separator: ",").map(String.init)
        let configuration = Set(export.configColumns)
        let missing = (table + front + report).filter { !configuration.contains($0) && !reference.contains("`\($0)`") }
        #expect(missing == [])
        #expect(table.contains("time_total") && front.prefix(2) == ["key", "status"])
    }
}
