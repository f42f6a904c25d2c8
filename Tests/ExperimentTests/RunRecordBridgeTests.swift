import Configuration
import Dynamics
import Foundation
import LinearAlgebra
import RunRecord
import Testing
@testable import Experiment

/// The engine's vocabulary as the run record writes it: every engine case has its record case
/// under the same name, so a new engine case cannot reach a file unnamed.
@Suite struct RunRecordBridgeTests {
    @Test func everyEngineStopReasonHasItsRecordName() {
        for reason in StopReason.allCases { #expect(RunStopReason(reason).rawValue == reason.rawValue) }
    }

    @Test func everySharpnessLocationHasItsConfigurationName() {
        for location in SharpnessLocation.allCases {
            #expect(RunConfiguration.SharpnessPoint(location).rawValue == location.rawValue)
        }
    }

    /// Bit-identical results need the same BLAS thread count, so every summary says which it had.
    @Test func aRunRecordsItsBLASThreadCount() throws {
        let folder = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let c = try configuration("[data]\nn = 50\n[model]\nwidth = 8\n[train]\nsteps = 3\n")
        let outcome = try Experiment.run(c, in: try RunDirectory(path: folder, force: false))
        #expect(outcome.summary.blasThreads == BLASThreads.current)
        let written = try RunSummary(parsing: String(contentsOfFile: folder + "/summary.json", encoding: .utf8))
        #expect(written == outcome.summary && written.blasThreads != nil)
    }
}
