import Configuration
import Datasets
import Dynamics
import Foundation
import LinearAlgebra
import NeuralNetwork
import RunRecord
import Testing
@testable import Experiment

/// The bridges between the configuration's, the engine's and the run record's enums, over every
/// case: each maps to the case of the same name (the switches are total, so a new case on either
/// side fails to compile instead of crashing a run).
@Suite struct EnumBridgeTests {
    @Test func everyConfigurationCaseHasItsEngineCase() {
        for s in RunConfiguration.Standardization.allCases { #expect(Datasets.Standardization(s).rawValue == s.rawValue) }
        for s in RunConfiguration.StandardizationSource.allCases { #expect(StandardizationReference(s).rawValue == s.rawValue) }
        for a in RunConfiguration.Activation.allCases { #expect(NeuralNetwork.Activation(a).rawValue == a.rawValue) }
        for i in RunConfiguration.Initialization.allCases {
            #expect(Network.Initialization(i).rawValue == i.rawValue)
        }
        for l in RunConfiguration.LossName.allCases { #expect(LossFunction(l).rawValue == l.rawValue) }
        for p in RunConfiguration.SharpnessPoint.allCases { #expect(SharpnessLocation(p).rawValue == p.rawValue) }
        // Onto: every engine case is some configuration's.
        #expect(
            Set(RunConfiguration.Activation.allCases.map { NeuralNetwork.Activation($0) })
                == Set(NeuralNetwork.Activation.allCases))
        #expect(Set(RunConfiguration.LossName.allCases.map { LossFunction($0) }) == Set(LossFunction.allCases))
    }

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
