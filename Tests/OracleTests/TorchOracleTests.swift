import Testing
import Foundation
import Experiment
import LinearAlgebra
import NeuralNetwork
import TestSupport

/// The engine against PyTorch in Float64: for every architecture × activation × pool × norm of
/// `OracleCase.all`, L, ∇L, ∇²L·u and ∇³L[u, u] of `FullBatchLoss` must equal those of
/// Tests/oracle/torch_derivatives.py (autograd's double and triple backward through the modules
/// of python/eos_models.py, docs/CONFIGURATION.md §2.2) to a relative error ‖ours − theirs‖ /
/// ‖theirs‖ ≤ 1e-9. θ goes to PyTorch under its state_dict names and must load with
/// `load_state_dict(strict=True)`; PyTorch's state_dict order must be θ's order; and θ drawn by
/// `initialParameters(.pytorch)` must lie within PyTorch's initialisation bounds.
///
/// The reference is the python of `EOS_TORCH_PYTHON` (`export EOS_TORCH_PYTHON=$(scripts/torch-venv)`;
/// scripts/test does it): without it these tests fail, they do not skip.
@Suite struct TorchOracleTests {
    static let tolerance = 1e-9

    @Test func engineMatchesPyTorchOnEveryArchitecture() throws {
        guard let python = Oracle.python() else { return }
        let folder = try Oracle.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases = OracleCase.all
        var problems: [OracleProblem] = []
        var arguments: [String] = []
        for (index, oracleCase) in cases.enumerated() {
            let problem = try OracleProblem(oracleCase, seed: UInt64(index + 1))
            let input = folder.appendingPathComponent("case\(index).in.safetensors")
            let output = folder.appendingPathComponent("case\(index).out.safetensors")
            try problem.inputFile().write(to: input)
            problems.append(problem)
            arguments += [input.path, output.path]
        }
        // One python process for every case: importing torch takes seconds.
        guard try Oracle.run(python, script: "torch_derivatives.py", arguments: arguments) else { return }
        for (index, problem) in problems.enumerated() {
            let output = try Safetensors(contentsOf: folder.appendingPathComponent("case\(index).out.safetensors"))
            try problem.check(against: output, tolerance: Self.tolerance)
        }
    }

    /// The oracle itself against finite differences (Tests/oracle/check_torch_derivatives.py).
    @Test func oracleMatchesFiniteDifferences() throws {
        guard let python = Oracle.python() else { return }
        _ = try Oracle.run(python, script: "check_torch_derivatives.py", arguments: [])
    }
}

/// The PyTorch side: where its python and scripts are, and how to run them.
enum Oracle {
    /// Tests/oracle/, beside this test's folder.
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("oracle")

    /// The python of `EOS_TORCH_PYTHON`; records a failure and returns nil when it is not set.
    static func python() -> String? {
        guard let python = ProcessInfo.processInfo.environment["EOS_TORCH_PYTHON"], !python.isEmpty else {
            Issue.record("EOS_TORCH_PYTHON is not set: run `export EOS_TORCH_PYTHON=$(scripts/torch-venv)` (scripts/test does this)")
            return nil
        }
        return python
    }

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eos-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Runs `python Tests/oracle/<script> arguments…` (at most 10 minutes); a failure fails the
    /// test with its output and returns false.
    static func run(_ python: String, script: String, arguments: [String]) throws -> Bool {
        let run = try runToEnd(python, [scripts.appendingPathComponent(script).path] + arguments, seconds: 600)
        let ended = run.exit.map(\.description) ?? "did not end within 10 minutes"
        #expect(run.exit == .exited(0), "\(python) \(script): \(ended):\n\((run.output + run.errors).suffix(4000))")
        return run.exit == .exited(0)
    }
}
