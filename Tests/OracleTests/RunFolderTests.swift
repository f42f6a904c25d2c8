import Testing
import Foundation
import Configuration
import Experiment

/// Run directories as researchers load them: `eos_models.load_run` (python/eos_models.py) must load
/// params-init and params-final of a real run of each architecture (the transformer's on tokens) into the PyTorch module
/// (`load_state_dict(strict=True)`) and give the losses trace.csv recorded for θ₀ and the final θ
/// (Tests/oracle/check_run.py).
@Suite struct RunFolderTests {
    /// Three GD steps of each family on small synthetic images (the transformer on tokens), in Float64.
    static let configurations = [
        """
        [data]
        name = "digits"
        n = 20
        [model]
        arch = "mlp"
        depth = 1
        width = 8
        [loss]
        name = "ce"
        """,
        """
        [data]
        name = "synthetic"
        shape = [2, 8, 8]
        n = 6
        classes = 3
        [model]
        arch = "cnn"
        depth = 2
        width = 4
        pool = "max"
        norm = "group"
        groups = 2
        activation = "relu"
        """,
        """
        [data]
        name = "synthetic"
        shape = [3, 32, 32]
        n = 4
        classes = 3
        [model]
        arch = "vgg"
        depth = 11
        width = 1
        norm = "layer"
        activation = "elu"
        [loss]
        name = "cat_mse"
        """,
        """
        [data]
        name = "synthetic"
        shape = [3, 8, 8]
        n = 4
        classes = 2
        [model]
        arch = "resnet"
        depth = 1
        width = 4
        norm = "group"
        groups = 2
        activation = "swish"
        """,
        """
        [data]
        name = "tokens"
        n = 6
        vocab = 8
        length = 4
        [model]
        arch = "transformer"
        depth = 2
        width = 8
        heads = 2
        activation = "gelu"
        [loss]
        name = "logistic"
        """,
    ]

    @Test func pyTorchLoadsEveryArchitecturesRunDirectory() throws {
        guard let python = Oracle.python() else { return }
        let root = try Oracle.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var folders: [String] = []
        for (index, toml) in Self.configurations.enumerated() {
            let text = toml + "\n[train]\nsteps = 3\nlr = 0.05\n[sharpness]\nevery = 0\n"
            let configuration = try RunConfiguration.load(tomlText: text, file: "oracle-\(index).toml")
            let folder = root.appendingPathComponent("run\(index)").path
            let outcome = try Experiment.run(configuration, in: try RunDirectory(path: folder, force: false))
            #expect(outcome.stepsDone == 3, "run \(index) stopped after \(outcome.stepsDone) steps")
            folders.append(folder)
        }
        _ = try Oracle.run(python, script: "check_run.py", arguments: folders)
    }
}
