import Testing
import Foundation
import Configuration
import Experiment

/// Every optimizer against torch.optim (docs/THEORY.md §11): a 20-step Float64 run of each on
/// the bundled digits, replayed by Tests/oracle/torch_optimizers.py from the run's params-init
/// and data with SGD, SGD(momentum), SGD(nesterov), RMSprop and Adam, must end at the run's
/// params-final to a relative error ≤ 1e-12; the last row's sharpness and, for rmsprop and adam,
/// preconditioned sharpness must equal the top eigenvalues of the dense Hessian (and of
/// P^{-1/2} H P^{-1/2} from torch's optimizer state) to 1e-8.
///
/// The reference is the python of `EOS_TORCH_PYTHON` (scripts/test sets it): without it these
/// tests fail, they do not skip.
@Suite struct TorchOptimizerTests {
    /// Each optimizer with the keys it reads, at a step size where 20 steps move θ visibly.
    static let optimizers = [
        "optimizer = \"gd\"\nlr = 0.5",
        "optimizer = \"polyak\"\nlr = 0.2",
        "optimizer = \"polyak\"\nlr = 0.1\nmomentum = 0.5",
        "optimizer = \"nesterov\"\nlr = 0.2",
        "optimizer = \"nesterov\"\nlr = 0.1\nmomentum = 0.99",
        "optimizer = \"rmsprop\"\nlr = 0.001",
        "optimizer = \"rmsprop\"\nlr = 0.003\nbeta2 = 0.9\nepsilon = 1e-6",
        "optimizer = \"adam\"\nlr = 0.003",
        "optimizer = \"adam\"\nlr = 0.01\nmomentum = 0.8\nbeta2 = 0.99\nepsilon = 1e-6",
    ]

    @Test func everyOptimizerMatchesTorchOptim() throws {
        guard let python = Oracle.python() else { return }
        let root = try Oracle.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var folders: [String] = []
        for (index, train) in Self.optimizers.enumerated() {
            let text = """
                [data]
                name = "digits"
                n = 50
                [model]
                depth = 1
                width = 8
                [train]
                \(train)
                steps = 20
                [sharpness]
                every = 20
                tol = 1e-12

                """
            let configuration = try RunConfiguration.load(tomlText: text, file: "optimizer-\(index).toml")
            let folder = root.appendingPathComponent("run\(index)").path
            let outcome = try Experiment.run(configuration, in: try RunDirectory(path: folder, force: false))
            #expect(outcome.stepsDone == 20, "run \(index) stopped after \(outcome.stepsDone) steps")
            folders.append(folder)
        }
        _ = try Oracle.run(python, script: "torch_optimizers.py", arguments: folders)
    }
}
