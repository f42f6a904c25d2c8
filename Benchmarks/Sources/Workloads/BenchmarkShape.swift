import NeuralNetwork

/// A network and batch size the benchmarks run on: a tanh MLP with MSE loss (Cohen et al.'s
/// fc-tanh) on synthetic data of the literature's shapes (docs/THEORY.md §9).
///
/// Shape letters: n examples, sizes s₀ → s₁ → … → s_L (s₀ = inputs, s_L = classes).
public struct BenchmarkShape: Sendable {
    /// Short name used in benchmark names and the comparison table.
    public let name: String
    /// [s₀, …, s_L]
    public let sizes: [Int]
    /// n
    public let examples: Int

    /// (a) fc-tanh 3072→200→200→10 on n = 5000 (cifar10-5k).
    public static let cifar = BenchmarkShape(name: "a:fc-tanh-3072x200x200x10-n5000", sizes: [3072, 200, 200, 10], examples: 5000)
    /// (b) the digits MLP 64→64→64→10 on n = 1000 (a typical sweep task).
    public static let digits = BenchmarkShape(name: "b:digits-64x64x64x10-n1000", sizes: [64, 64, 64, 10], examples: 1000)
    public static let all = [cifar, digits]

    public var network: Network {
        Network.perceptron(
            inputs: sizes[0], depth: sizes.count - 2, width: sizes[1], outputs: sizes[sizes.count - 1], activation: .tanh)
    }

    /// One BLAS call C ← op(A)·op(B): op(A) [m, k], op(B) [k, n].
    public struct GEMM: Sendable, Codable {
        public let m: Int, n: Int, k: Int
        public let transposeA: Bool, transposeB: Bool
        public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
    }

    /// The GEMMs of one operation exactly as `FullBatchLoss` issues them, layer l mapping
    /// i = sₗ → o = sₗ₊₁: forward Z = AWᵀ is [n, o, i] (NT), ∂W = δᵀA is [o, i, n] (TN),
    /// ∂A = δW is [n, i, o] (NN); layer 0 needs no ∂A and, in the Taylor pass, no A₁, A₂ below it.
    public func gemms(_ operation: Operation) -> [GEMM] {
        let n = examples
        var calls: [GEMM] = []
        func add(_ count: Int, _ m: Int, _ nn: Int, _ k: Int, _ tA: Bool, _ tB: Bool) {
            calls += Array(repeating: GEMM(m: m, n: nn, k: k, transposeA: tA, transposeB: tB), count: count)
        }
        for l in 0..<(sizes.count - 1) {
            let i = sizes[l], o = sizes[l + 1], inner = l > 0 ? 1 : 0
            switch operation {
            case .gradient:
                add(1, n, o, i, false, true); add(1, o, i, n, true, false); add(inner, n, i, o, false, false)
            case .forwardAndDeltas:
                add(1, n, o, i, false, true); add(inner, n, i, o, false, false)
            case .hessianVectorProduct:
                add(1 + inner, n, o, i, false, true); add(1 + inner, o, i, n, true, false); add(2 * inner, n, i, o, false, false)
            case .thirdDerivative:
                add(1 + 3 * inner, n, o, i, false, true); add(2 + 3 * inner, o, i, n, true, false)
                add(4 * inner, n, i, o, false, false)
            }
        }
        return calls
    }

    /// Σ 2mnk over `gemms(operation)` (a multiply-add counts 2).
    public func gemmFLOPs(_ operation: Operation) -> Double { gemms(operation).reduce(0) { $0 + $1.flops } }

    /// The operations whose GEMMs are listed; `forwardAndDeltas` is what a Taylor pass at a new
    /// θ needs before it starts (the gradient without its δᵀA products).
    public enum Operation: String, Sendable, CaseIterable { case gradient, forwardAndDeltas, hessianVectorProduct, thirdDerivative }
}
