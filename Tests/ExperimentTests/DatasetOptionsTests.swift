import Configuration
import Datasets
import Testing
@testable import Experiment

/// `RunConfiguration.datasetOptions`: `data.shape` reaches the synthetic data set.
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
}
