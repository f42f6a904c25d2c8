import LinearAlgebra
import NeuralNetwork

/// A 4 → 6 → 1 tanh MLP with mse on 12 random examples (±1 targets): small enough for debug-build
/// tests, large enough to have real second and third derivatives.
enum TinyNetwork {
    static func make<T: BLASScalar>(_: T.Type) -> (FullBatchLoss<T>, [T]) {
        var generator = SeededGenerator(seed: 7, stream: .testing)
        let n = 12, d = 4
        let inputs = Matrix<T>(rows: n, columns: d, storage: (0..<(n * d)).map { _ in T(generator.nextNormal()) })
        let targets = Matrix<T>(rows: n, columns: 1, storage: (0..<n).map { _ in generator.nextUniform() < 0.5 ? -1 : 1 })
        let network = Network.perceptron(inputs: d, depth: 1, width: 6, outputs: 1, activation: .tanh)
        let objective = FullBatchLoss(network: network, loss: .mse, inputs: inputs, targets: targets)
        return (objective, network.initialParameters(.pytorch, seed: 3, as: T.self))
    }
}
