import Dynamics
import Foundation
import RunRecord
import Testing
@testable import Experiment

/// docs/CONFIGURATION.md names every column of every file a run writes, every summary field and
/// every stop reason (each as `name`): a column added without its documentation fails here.
@Suite struct DocumentedColumnsTests {
    static let reference: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/CONFIGURATION.md")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    func undocumented(_ names: [String]) -> [String] {
        names.filter { !Self.reference.contains("`\($0)`") }
    }

    @Test func everyRunFileColumnIsDocumented() {
        #expect(!Self.reference.isEmpty)
        let trace = TraceTable(eigenvalueCount: 2).text.split(separator: "\n")[0].split(separator: ",").map(String.init)
        #expect(undocumented(trace) == [])
        #expect(undocumented(TrackRecord.columns(gradientFlow: true)) == [])
        #expect(undocumented(CentralRecord.columns(width: 1, gradientFlow: true) + ["central.csv"]) == [])
        let tables = TrackingTables(gradientFlow: true).files
        for (name, text) in tables {
            let header = text.split(separator: "\n")[0].split(separator: ",").map(String.init)
            #expect(undocumented(header + [name]) == [], "\(name)")
        }
    }

    @Test func everySummaryFieldAndStopReasonIsDocumented() {
        #expect(undocumented(RunSummary.Field.allCases.map(\.rawValue)) == [])
        #expect(undocumented(RunStopReason.allCases.map(\.rawValue)) == [])
        #expect(undocumented(RunStatus.allCases.map(\.rawValue)) == [])
        #expect(undocumented(RunPhase.allCases.map(\.rawValue) + ["total"]) == [])
    }
}
