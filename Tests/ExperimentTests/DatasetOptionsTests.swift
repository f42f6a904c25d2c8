import Configuration
import Datasets
import Foundation
import Testing
@testable import Experiment

/// `RunConfiguration.datasetOptions`: `data.shape` reaches the synthetic data set, the tokens
/// keys the tokens data set; `data.safetensors` records the tokens rule.
@Suite struct DatasetOptionsTests {
    @Test func syntheticDataTakeTheirShape() throws {
        var c = try RunConfiguration.load(
            tomlText: "[data]\nname = \"synthetic\"\nn = 6\nshape = [2, 3, 4]\n", file: "run.toml")
        #expect(try Experiment.prepare(c).dataset.inputShape == InputShape(channels: 2, height: 3, width: 4))
        c.data.shape = []
        #expect(try Experiment.prepare(c).dataset.inputShape == InputShape(channels: 1, height: 1, width: 24))
        c.data.shape = [2, 0, 12]
        #expect(throws: ExperimentError.invalidConfiguration("data.shape: expected [c, h, w], three integers >= 1, got [2, 0, 12]")) {
            try Experiment.prepare(c)
        }
    }

    /// tokens: vocab, length, n and seed reach `TokenSpec`; never standardized, ±1 targets.
    @Test func tokensTakeTheirKeys() throws {
        let c = try RunConfiguration.load(
            tomlText: "[data]\nname = \"tokens\"\nn = 40\nvocab = 12\nlength = 5\nseed = 3\n[model]\narch = \"transformer\"\n",
            file: "run.toml")
        let options = try c.datasetOptions(dataRoot: nil, confine: false)
        #expect(
            options
                == DatasetOptions(
                    source: .tokens(TokenSpec(vocabulary: 12, length: 5, seed: 3)), count: 40, standardization: .none,
                    targets: .plusMinusOne))
        let dataset = try Dataset(loading: options)
        #expect(dataset.x.columns == 5 && dataset.y.columns == 1 && dataset.count == 40)
    }

    /// data.safetensors of the tokens data set: x the ids, y ±1, labels 1/0, and the rule's
    /// `polarity` and `negator` tables (int64), in either precision.
    @Test func theDataFileRecordsTheRule() throws {
        let dataset = try Dataset(
            loading: DatasetOptions(
                source: .tokens(TokenSpec(vocabulary: 8, length: 4, seed: 1)), count: 10, standardization: .none, targets: .plusMinusOne))
        let rule = try #require(dataset.tokenRule)
        for float64 in [true, false] {
            let folder = scratchFolder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            try Experiment.writeData(dataset, float64: float64, to: try RunDirectory(path: folder, force: false), cache: nil)
            let file = try Safetensors(contentsOf: URL(fileURLWithPath: folder + "/data.safetensors"))
            #expect(Set(file.tensors.keys) == ["x", "y", "labels", "polarity", "negator"])
            #expect(file.tensors["polarity"]?.int64s == rule.polarity.map { Int64($0) } && file.tensors["polarity"]?.shape == [8])
            #expect(file.tensors["negator"]?.int64s == rule.isNegator.map { $0 ? 1 : 0 } && file.tensors["negator"]?.shape == [8])
            #expect(file.tensors["labels"]?.int64s == dataset.labels.map { Int64($0) })
            let x = float64 ? file.tensors["x"]?.doubles : file.tensors["x"]?.floats.map { $0.map(Double.init) }
            #expect(x == dataset.x.storage && file.tensors["x"]?.shape == [10, 4])
        }
        // Other data sets write no rule.
        let digits = try Dataset(loading: DatasetOptions(source: .digits, count: 5))
        let folder = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Experiment.writeData(digits, float64: true, to: try RunDirectory(path: folder, force: false), cache: nil)
        #expect(Set(try Safetensors(contentsOf: URL(fileURLWithPath: folder + "/data.safetensors")).tensors.keys) == ["x", "y", "labels"])
    }
}
