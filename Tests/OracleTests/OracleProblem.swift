import Testing
import Foundation
import Experiment
import LinearAlgebra
import NeuralNetwork

/// One case made concrete: the network, θ from `initialParameters`, random data X [n, c·h·w]
/// (CHW rows; a transformer's: random token ids in [0, vocab), [n, length]) with targets for the
/// loss, and a random direction u; written for the oracle as a safetensors file and checked
/// against what it returns (Tests/oracle/torch_derivatives.py).
struct OracleProblem {
    let oracleCase: OracleCase
    let network: Network
    let x: Matrix<Double>
    let y: Matrix<Double>
    let theta: [Double]
    let u: [Double]

    /// Continuous random data: relu, hardtanh and max-pool kinks and ties are hit with probability 0.
    init(_ oracleCase: OracleCase, seed: UInt64) throws {
        self.oracleCase = oracleCase
        network = try Network(
            oracleCase.architecture, input: oracleCase.input, outputs: oracleCase.outputs, activation: oracleCase.activation)
        theta = network.initialParameters(oracleCase.initialization, seed: seed, as: Double.self)
        var g = SeededGenerator(seed: seed, stream: .testing)
        let n = oracleCase.n, k = oracleCase.outputs
        let d = oracleCase.input.channels * oracleCase.input.height * oracleCase.input.width
        if case .transformer(_, _, _, let vocab, _) = oracleCase.architecture {
            x = Matrix(rows: n, columns: d, storage: (0..<(n * d)).map { _ in Double(g.next() % UInt64(vocab)) })
        } else {
            x = Matrix(rows: n, columns: d, storage: (0..<(n * d)).map { _ in g.nextNormal() })
        }
        var targets = [Double](repeating: 0, count: n * k)
        for i in 0..<n {
            switch oracleCase.loss {
            case .crossEntropy: targets[i * k + Int(g.next() % UInt64(k))] = 1
            case .logistic: targets[i] = g.next() % 2 == 0 ? 1 : -1
            case .mse, .catMSE: for j in 0..<k { targets[i * k + j] = g.nextNormal() }
            }
        }
        y = Matrix(rows: n, columns: k, storage: targets)
        u = (0..<network.parameterCount).map { _ in g.nextNormal() }
    }

    /// θ under its state_dict names, `__x` [n, c, h, w] (a transformer's: int64 token ids
    /// [n, length]), `__y` [n, k], `__u.<name>`, and the model and loss as metadata `config`.
    func inputFile() -> Safetensors {
        let shape = oracleCase.input
        let inputs: Safetensors.Tensor
        if case .transformer = oracleCase.architecture {
            inputs = .init(x.storage.map { Int64($0) }, shape: [x.rows, x.columns])
        } else {
            inputs = .init(x.storage, shape: [x.rows, shape.channels, shape.height, shape.width])
        }
        var tensors: [String: Safetensors.Tensor] = ["__x": inputs, "__y": .init(y)]
        for p in network.parameters {
            tensors[p.name] = .init(Array(theta[p.range]), shape: p.shape)
            tensors["__u." + p.name] = .init(Array(u[p.range]), shape: p.shape)
        }
        return Safetensors(tensors: tensors, metadata: ["config": oracleCase.configJSON])
    }

    /// Compares the engine with the oracle's `output`: θ's order, the initialisation bounds, and
    /// L, ∇L, ∇²L·u, ∇³L[u, u] to a relative error ≤ `tolerance`.
    func check(against output: Safetensors, tolerance: Double) throws {
        let label = oracleCase.description
        let names = network.parameters.map(\.name)
        let order = try JSONDecoder().decode([String].self, from: Data((output.metadata["order"] ?? "[]").utf8))
        #expect(names == order, "\(label): θ's tensors are not in PyTorch's state_dict order")
        try checkInitialisation(output.metadata["init"] ?? "{}", label: label)

        let objective = FullBatchLoss(network: network, loss: oracleCase.loss, inputs: x, targets: y)
        let (loss, gradient) = objective.lossAndGradient(at: theta)
        let ours: [(String, [Double])] = [
            ("loss", [loss]), ("grad.", gradient), ("hvp.", objective.hessianVectorProduct(at: theta, u)),
            ("third.", objective.thirdDerivative(at: theta, u)),
        ]
        for (prefix, values) in ours {
            let theirs = prefix == "loss" ? output.tensors["loss"]?.doubles ?? [] : flattened(output, prefix: prefix)
            guard theirs.count == values.count else {
                Issue.record("\(label): the oracle's \(prefix) has \(theirs.count) values, ours \(values.count)")
                continue
            }
            let error = relativeError(values, theirs)
            #expect(error <= tolerance, "\(label): \(prefix) relative error \(error) against PyTorch")
        }
        #expect(objective.loss(at: theta) == loss, "\(label): loss(at:) differs from lossAndGradient(at:)")
    }

    /// The oracle's `<prefix><name>` tensors concatenated in θ's order.
    func flattened(_ output: Safetensors, prefix: String) -> [Double] {
        network.parameters.flatMap { output.tensors[prefix + $0.name]?.doubles ?? [] }
    }

    /// θ from `initialParameters` against PyTorch's initialisation of each tensor: U(±1/√fan_in)
    /// (all within the bound, and some beyond half of it when there are 16 or more), zero biases
    /// for `pytorch-zero-bias`, GroupNorm and LayerNorm weight 1 and bias 0, N(0, 1) for the
    /// transformer's `embed.weight` and `position` (finite; with 16 or more values, some beyond
    /// 1 — outside every uniform bound — and a root mean square within [0.5, 1.5]).
    func checkInitialisation(_ json: String, label: String) throws {
        let specification = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: [Any]] ?? [:]
        for p in network.parameters {
            let values = theta[p.range]
            let largest = values.map { abs($0) }.max() ?? 0
            switch (specification[p.name]?.first as? String, specification[p.name]?.last as? Double) {
            case ("uniform", let bound?):
                if oracleCase.initialization == .pytorchZeroBias && p.name.hasSuffix("bias") {
                    #expect(largest == 0, "\(label): \(p.name) is not zero under pytorch-zero-bias")
                } else {
                    #expect(largest <= bound, "\(label): \(p.name) has |θ| = \(largest) beyond 1/√fan_in = \(bound)")
                    #expect(values.count < 16 || largest > bound / 2, "\(label): \(p.name) drawn narrower than U(±\(bound))")
                }
            case ("normal", _):
                let rms = (values.reduce(0) { $0 + $1 * $1 } / Double(values.count)).squareRoot()
                #expect(values.allSatisfy { $0.isFinite }, "\(label): \(p.name) is not finite")
                #expect(
                    values.count < 16 || (largest > 1 && (0.5...1.5).contains(rms)), "\(label): \(p.name) does not look N(0, 1): rms \(rms)"
                )
            case ("ones", _): #expect(values.allSatisfy { $0 == 1 }, "\(label): \(p.name) does not start at 1")
            case ("zeros", _): #expect(values.allSatisfy { $0 == 0 }, "\(label): \(p.name) does not start at 0")
            default: Issue.record("\(label): the oracle has no initialisation for \(p.name)")
            }
        }
    }
}

/// ‖a − b‖ / ‖b‖; ‖a‖ when b = 0 (a derivative that vanishes must vanish in both).
func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    let difference = zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    let scale = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return scale > 0 ? difference / scale : difference
}
