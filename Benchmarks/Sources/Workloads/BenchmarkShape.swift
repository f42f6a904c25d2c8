import NeuralNetwork

/// A network and batch size the benchmarks run on, tanh with MSE loss on synthetic data of the
/// literature's shapes (docs/THEORY.md §9): Cohen et al.'s fc-tanh MLP, Damian et al.'s
/// two-block CNN on the CIFAR-10 5k shape, or the engine's transformer on token sequences
/// (docs/ARCHITECTURES.md §Transformer).
///
/// Shape letters: n examples; an MLP maps sizes s₀ → s₁ → … → s_L (s₀ = inputs, s_L = classes).
public struct BenchmarkShape: Sendable {
    /// Short name used in benchmark names and the comparison table.
    public let name: String
    /// The network family and its size (`model.arch`, `model.depth`, `model.width`, `model.pool`).
    public let architecture: Architecture
    /// One example, C×H×W (an MLP's: [1, 1, s₀]).
    public let input: ImageShape
    /// k, the outputs (one-hot classes).
    public let classes: Int
    /// n
    public let examples: Int

    /// An MLP s₀ → s₁ → … → s_L with all hidden layers s₁ wide.
    public init(name: String, sizes: [Int], examples: Int) {
        precondition(sizes.count >= 2 && sizes.dropFirst().dropLast().allSatisfy { $0 == sizes[1] }, "BenchmarkShape: \(sizes)")
        self.init(
            name: name, architecture: .mlp(depth: sizes.count - 2, width: sizes[1]), input: .flat(sizes[0]),
            classes: sizes[sizes.count - 1], examples: examples)
    }

    public init(name: String, architecture: Architecture, input: ImageShape, classes: Int, examples: Int) {
        self.name = name
        self.architecture = architecture
        self.input = input
        self.classes = classes
        self.examples = examples
    }

    /// (a) fc-tanh 3072→200→200→10 on n = 5000 (cifar10-5k).
    public static let cifar = BenchmarkShape(name: "a:fc-tanh-3072x200x200x10-n5000", sizes: [3072, 200, 200, 10], examples: 5000)
    /// (b) the digits MLP 64→64→64→10 on n = 1000 (a typical sweep task).
    public static let digits = BenchmarkShape(name: "b:digits-64x64x64x10-n1000", sizes: [64, 64, 64, 10], examples: 1000)
    /// (c) Damian et al.'s CNN: 2 × (conv3×3 32 channels → tanh → 2×2 average pool), linear head,
    /// on [5000, 3, 32, 32] (cifar10-5k), 10 classes.
    public static let cnn = BenchmarkShape(
        name: "c:cnn-tanh-avg-d2-w32-3x32x32-n5000",
        architecture: .cnn(depth: 2, width: 32, pool: .avg, norm: .none),
        input: ImageShape(channels: 3, height: 32, width: 32), classes: 10, examples: 5000)
    /// (d) the transformer of issue #18: width 64, depth 2, 4 heads, on n = 2000 sequences of
    /// 16 token ids over a vocabulary of 64, one output (the `tokens` task's ±1 target), as
    /// `NetworkBuilder.buildTransformer` builds it (docs/ARCHITECTURES.md §Transformer).
    public static let transformer = BenchmarkShape(
        name: "d:transformer-tanh-d2-w64-h4-v64-t16-n2000",
        architecture: .transformer(depth: 2, width: 64, heads: 4, vocab: 64, length: 16),
        input: ImageShape(channels: 1, height: 1, width: 16), classes: 1, examples: 2000)
    /// The MLP shapes, in Float32 and Float64 (both drivers).
    public static let all = [cifar, digits]
    /// Every shape `eos-compare` runs: the MLPs, and the CNN and the transformer in Float32 only.
    public static let compared = [cifar, digits, cnn, transformer]

    /// The loss of every shape: `mse`, ½·mean‖f − y‖² (`loss.name`'s default, docs/CONFIGURATION.md
    /// §2.3; the transformer's one ±1 output included).
    public var loss: LossFunction { .mse }

    /// [s₀, …, s_L] of an MLP; nil for a convolutional network.
    public var sizes: [Int]? {
        guard case .mlp(let depth, let width) = architecture else { return nil }
        return [input.count] + Array(repeating: width, count: depth) + [classes]
    }

    public var network: Network {
        do {
            return try Network(architecture, input: input, outputs: classes, activation: .tanh)
        } catch {
            preconditionFailure("BenchmarkShape \(name): \(error)")
        }
    }

    /// Entries per example of the forward pass's tensors, the "activations" of the memory budget
    /// (docs/BENCHMARKS.md): an MLP's Z and σ(Z) per hidden layer and the outputs; a CNN's conv
    /// output, σ output and pool output per block and the outputs (flattening is a view).
    public var forwardActivationsPerExample: Int {
        switch architecture {
        case .mlp(let depth, let width): return 2 * depth * width + classes
        case .cnn(let depth, let width, _, _):
            var entries = classes, shape = input
            for _ in 0..<depth {
                entries += 2 * shape.pixels * width + (shape.height / 2) * (shape.width / 2) * width
                shape = ImageShape(channels: width, height: shape.height / 2, width: shape.width / 2)
            }
            return entries
        case .transformer(let depth, let width, _, _, let length):
            // The embedding's output, then per block norm1, qkv (3d), attention, proj, the
            // residual, norm2, fc1 (4d), σ (4d), fc2 and the residual; the final norm, the pool.
            return length * width * (1 + depth * (1 + 3 + 1 + 1 + 1 + 1 + 4 + 4 + 1 + 1) + 1) + width + classes
        default: preconditionFailure("BenchmarkShape: no activation count for \(architecture)")
        }
    }

    /// One BLAS call C ← op(A)·op(B): op(A) [m, k], op(B) [k, n].
    public struct GEMM: Sendable, Codable, Hashable {
        public let m: Int, n: Int, k: Int
        public let transposeA: Bool, transposeB: Bool
        public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
    }

    /// The GEMMs of one weight layer y = B(W, x) + b (docs/ARCHITECTURE.md § Engine): those of
    /// B(W, x) (`forward`), of the weights' adjoint B_Wᵀ(dy, x) (`weights`) and of the input's
    /// adjoint Bₓᵀ(W, dy) (`input`), each as the layer issues them.
    struct WeightLayer {
        let forward: [GEMM], weights: [GEMM], input: [GEMM]
    }

    /// The network's weight layers in order. Dense i → o on n rows (a transformer's on n·T, one
    /// row per token): forward Z = AWᵀ [n, o, i]
    /// (NT), ∂W = δᵀA [o, i, n] (TN), ∂A = δW [n, i, o] (NN). A 3×3 convolution cin → cout over
    /// P output pixels by im2col, in chunks of m examples (Conv2d.swift: m = ⌊2²¹ / (P·cin·9)⌋,
    /// the scratch budget): per chunk forward [m·P, cout, 9cin] NT, weights [cout, 9cin, m·P] TN,
    /// input [m·P, 9cin, cout] NN.
    var weightLayers: [WeightLayer] {
        let n = examples
        func dense(_ i: Int, _ o: Int) -> WeightLayer {
            WeightLayer(
                forward: [GEMM(m: n, n: o, k: i, transposeA: false, transposeB: true)],
                weights: [GEMM(m: o, n: i, k: n, transposeA: true, transposeB: false)],
                input: [GEMM(m: n, n: i, k: o, transposeA: false, transposeB: false)])
        }
        switch architecture {
        case .mlp:
            let s = sizes!
            return (0..<(s.count - 1)).map { dense(s[$0], s[$0 + 1]) }
        case .cnn(let depth, let width, _, _):
            var layers: [WeightLayer] = []
            var shape = input
            for _ in 0..<depth {
                let pixels = shape.pixels, patch = shape.channels * 9
                let chunk = max(1, min(n, (1 << 21) / (pixels * patch)))
                var f: [GEMM] = [], w: [GEMM] = [], x: [GEMM] = []
                for start in stride(from: 0, to: n, by: chunk) {
                    let rows = min(chunk, n - start) * pixels
                    f.append(GEMM(m: rows, n: width, k: patch, transposeA: false, transposeB: true))
                    w.append(GEMM(m: width, n: patch, k: rows, transposeA: true, transposeB: false))
                    x.append(GEMM(m: rows, n: patch, k: width, transposeA: false, transposeB: false))
                }
                layers.append(WeightLayer(forward: f, weights: w, input: x))
                shape = ImageShape(channels: width, height: shape.height / 2, width: shape.width / 2)
            }
            return layers + [dense(shape.count, classes)]
        case .transformer(let depth, let width, _, _, let length):
            // Per block qkv, proj, fc1, fc2 on every token, then the head on the pooled rows.
            // Attention's per-head products q kᵀ and A v are not BLAS calls and are not listed.
            func tokens(_ i: Int, _ o: Int) -> WeightLayer {
                let rows = n * length
                return WeightLayer(
                    forward: [GEMM(m: rows, n: o, k: i, transposeA: false, transposeB: true)],
                    weights: [GEMM(m: o, n: i, k: rows, transposeA: true, transposeB: false)],
                    input: [GEMM(m: rows, n: i, k: o, transposeA: false, transposeB: false)])
            }
            let block = [tokens(width, 3 * width), tokens(width, width), tokens(width, 4 * width), tokens(4 * width, width)]
            return Array(repeating: block, count: depth).flatMap { $0 } + [dense(width, classes)]
        default:
            preconditionFailure("BenchmarkShape: no GEMM list for \(architecture)")
        }
    }

    /// The GEMMs of one operation exactly as `FullBatchLoss` issues them, weight layer by weight
    /// layer (`weightLayers`); the first reads the data and needs no ∂A and, in the Taylor pass,
    /// no x₁, x₂ below it.
    public func gemms(_ operation: Operation) -> [GEMM] {
        var calls: [GEMM] = []
        // A transformer's first dense layer reads the embedding, which depends on θ: every
        // layer is inner there.
        let readsData: Bool
        if case .transformer = architecture { readsData = false } else { readsData = true }
        for (l, layer) in weightLayers.enumerated() {
            let inner = l > 0 || !readsData ? 1 : 0
            func add(_ count: Int, _ list: [GEMM]) { for _ in 0..<count { calls += list } }
            switch operation {
            case .gradient:
                add(1, layer.forward); add(1, layer.weights); add(inner, layer.input)
            case .forwardAndDeltas:
                add(1, layer.forward); add(inner, layer.input)
            case .hessianVectorProduct:
                add(1 + inner, layer.forward); add(1 + inner, layer.weights); add(2 * inner, layer.input)
            case .thirdDerivative:
                add(1 + 3 * inner, layer.forward); add(2 + 3 * inner, layer.weights); add(4 * inner, layer.input)
            }
        }
        return calls
    }

    /// Σ 2mnk over `gemms(operation)` (a multiply-add counts 2).
    public func gemmFLOPs(_ operation: Operation) -> Double { gemms(operation).reduce(0) { $0 + $1.flops } }

    /// The product that sets the GEMM rate: the gradient's first for an MLP (layer 0's forward
    /// product), the gradient's largest for a CNN.
    public var rateGEMM: GEMM {
        let list = gemms(.gradient)
        return sizes != nil ? list[0] : list.max { $0.flops < $1.flops }!
    }

    /// Entries of the largest operand of any listed GEMM (scratch size for `GEMMTiming`).
    public var largestGEMMOperand: Int {
        Operation.allCases.flatMap(gemms).map { max($0.m * $0.k, $0.k * $0.n, $0.m * $0.n) }.max()!
    }

    /// The operations whose GEMMs are listed; `forwardAndDeltas` is what a Taylor pass at a new
    /// θ needs before it starts (the gradient without its δᵀA products).
    public enum Operation: String, Sendable, CaseIterable { case gradient, forwardAndDeltas, hessianVectorProduct, thirdDerivative }
}
