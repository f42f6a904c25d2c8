import Testing
import Foundation
import Configuration
import NeuralNetwork
@testable import Experiment

/// The memory estimate that refuses a model too large for the machine before anything is written.
@Suite struct MemoryEstimateTests {
    /// Digits (d = 64, k = 10) on n = 64 examples, depth 1 width 8, Float64, k = 1 eigenvalue:
    /// N = 65·8 + 9·10 = 610, H = 8, U = 18.
    /// loss: 8·(64·(4·18 + 7·8) + 64·74 + 2·610) = 113 184; Lanczos m = 24, r = 12: 2·24 + 12 + 2 + 1 = 63
    /// vectors, so 8·610·(8 + 63) = 346 480; data 2·8·64·75 = 76 800; baseline 64 MiB = 67 108 864.
    /// Total 67 645 328 bytes.
    @Test func countsTheEngineBuffersOfASmallRun() throws {
        let c = try configuration("[data]\nn = 64\n[model]\ndepth = 1\nwidth = 8\n")
        let estimate = MemoryEstimate(c, network: digits(depth: 1, width: 8), examples: 64)
        #expect(estimate.parameters == 610)
        #expect(estimate.bytes == 67_645_328)
    }

    @Test func trackingAndFloat32AddTheFloat64LossAndTheTrackerVectors() throws {
        let plain = try configuration("[data]\nn = 64\n[train]\nprecision = \"float32\"\n")
        let tracked = try configuration("[data]\nn = 64\n[train]\nprecision = \"float32\"\n[track]\nenabled = true\n")
        let a = MemoryEstimate(plain, network: digits(depth: 2, width: 64), examples: 64)
        let b = MemoryEstimate(tracked, network: digits(depth: 2, width: 64), examples: 64)
        #expect(a.parameters == b.parameters)
        // At least the Float64 copy of the loss's inputs and the 24 tracker vectors.
        #expect(b.bytes - a.bytes >= 8 * 64 * 74 + 8 * 24 * a.parameters)
    }

    /// gd adds nothing; polyak its buffer; adam its two buffers and the preconditioned solve's five
    /// vectors; at the midpoint a copy of θ and the buffers (610 parameters, Float64).
    @Test func optimizersAddTheirBuffers() throws {
        let network = digits(depth: 1, width: 8)
        func bytes(_ train: String, at: String = "iterate") throws -> Double {
            let c = try configuration("[data]\nn = 64\n[model]\ndepth = 1\nwidth = 8\n[train]\n\(train)\n[sharpness]\nat = \"\(at)\"\n")
            return MemoryEstimate(c, network: network, examples: 64).bytes
        }
        let gd = try bytes("optimizer = \"gd\"")
        #expect(gd == 67_645_328)
        #expect(try bytes("optimizer = \"polyak\"") - gd == 8 * 610 * 1)
        #expect(try bytes("optimizer = \"adam\"") - gd == 8 * 610 * 7)
        #expect(try bytes("optimizer = \"adam\"", at: "midpoint") - gd == 8 * 610 * 10)
        #expect(try bytes("optimizer = \"gd\"", at: "midpoint") == gd)
    }

    /// The MLP on digits-shaped inputs (64 features, 10 outputs).
    private func digits(depth: Int, width: Int) -> Network {
        Network.perceptron(inputs: 64, depth: depth, width: width, outputs: 10, activation: .tanh)
    }

    @Test func aWidthBeyondTheEnginesBoundsIsAConfigurationErrorNotATrap() throws {
        let c = try configuration("[data]\nn = 64\n[model]\ndepth = 3\nwidth = 1000000000000\n")
        #expect(throws: ExperimentError.invalidConfiguration("model.width: at most 1048576, got 1000000000000")) {
            _ = try Experiment.prepare(c)
        }
    }

    @Test func checkMemoryRefusesWithOneLineNamingBothSizes() throws {
        let huge = try Experiment.prepare(try configuration("[data]\nn = 64\n[model]\nwidth = 200000\n"))
        let available = AvailableMemory(bytes: 16 * 1024 * 1024 * 1024, source: "MemAvailable")
        #expect(throws: ExperimentError.self) { try huge.checkMemory(available: available) }
        do {
            try huge.checkMemory(available: available)
        } catch {
            let line = error.description
            #expect(line.hasPrefix("model too large for this machine: the run needs about "))
            #expect(line.contains("only 16 GB available (MemAvailable); reduce model.width, model.depth or data.n"))
            #expect(!line.contains("\n"))
        }
        let small = try Experiment.prepare(try configuration("[data]\nn = 64\n"))
        try small.checkMemory(available: available)
    }

    @Test func availableMemoryIsReadFromThisMachine() throws {
        let meminfo = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
        let total = try #require(
            meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal:") }?
                .split(separator: " ").dropFirst().first.flatMap { Double($0) })
        let available = try #require(AvailableMemory.current)
        #expect(available.bytes > 0 && available.bytes <= total * 1024)
    }

    @Test func sizesAreWrittenInBinaryUnits() {
        #expect(MemoryEstimate.format(512) == "512 bytes")
        #expect(MemoryEstimate.format(1536) == "1.5 KB")
        #expect(MemoryEstimate.format(3 * 1024 * 1024 * 1024 * 1024) == "3.0 TB")
        #expect(MemoryEstimate.format(600 * 1024 * 1024) == "600 MB")
    }
}
