import Testing
@testable import NeuralNetwork

/// `largestProductFLOPs`, which picks a run's BLAS thread count (`BLASThreads.suggested`), from
/// the products a gradient pass issues.
@Suite struct NetworkResourcesTests {
    @Test func aDenseLayerCountsEveryRowOfItsProduct() throws {
        // MLP 64→200→10 on 1000 examples: the first layer, 2·1000·64·200.
        let mlp = try Network(.mlp(depth: 1, width: 200), input: .flat(64), outputs: 10, activation: .tanh)
        #expect(mlp.largestProductFLOPs(examples: 1000) == 2 * 1000 * 64 * 200)
        // The transformer's per-token layers run on n·T rows: fc1 (width → 4·width) on 2000 × 16
        // tokens is 2·2000·16·64·256 ≈ 1.05 GFLOP, not the 66 MFLOP of one row per example.
        let transformer = try Network(
            .transformer(depth: 2, width: 64, heads: 4, vocab: 64, length: 16), input: .flat(16), outputs: 1,
            activation: .gelu)
        #expect(transformer.largestProductFLOPs(examples: 2000) == 2 * 2000 * 16 * 64 * 256)
    }
}
