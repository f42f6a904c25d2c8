import LinearAlgebra
import NeuralNetwork
import Curvature

/// Everything one benchmark needs for a shape and precision, built once outside the timed
/// region: X ~ N(0, 1) [n, C·H·W] (CHW rows) and one-hot random labels Y [n, k] from the `.data`
/// stream (a transformer's: token ids [n, T] and ±1 targets [n, 1]),
/// θ₀ by PyTorch's default init, a unit direction u, the top eigenvectors at θ₀ (the warm start),
/// and output buffers so the timed operations allocate nothing themselves.
/// Used by one thread at a time (a benchmark runs its iterations serially), hence unchecked.
public final class Workload<T: BLASScalar>: @unchecked Sendable {
    public let shape: BenchmarkShape
    public let loss: FullBatchLoss<T>
    /// θ₀
    public let theta: [T]
    /// θ₀ + 10⁻³·u: alternating with θ₀ makes every gradient a fresh forward and backward pass.
    public let alternate: [T]
    /// θ₁ = θ₀ − η∇L(θ₀), where the warm-started eigen-solves run.
    public let nextTheta: [T]
    /// u, unit norm.
    public let direction: [T]
    /// η of the GD benchmarks.
    public let learningRate: T = 0.01
    /// The top `warmStartCount` eigenvectors at θ₀.
    public let warmStart: [[T]]
    public var gradient: [T]
    public var hessianVector: [T]
    public var third: [T]
    /// The GD benchmark's own iterate and warm start, carried across its iterations.
    public var gdTheta: [T]
    public var gdWarmStart: [[T]]
    /// The operator applications of the last `runSharpness` solve.
    public private(set) var lastSolveApplications = 0
    private var flip = false

    /// - Parameter warmStartCount: the eigenvectors at θ₀ to compute (3 for the top-3 solve
    ///   benchmark; 1 is enough for the GD loop).
    public init(_ shape: BenchmarkShape, seed: UInt64 = 1, warmStartCount: Int = 3) {
        self.shape = shape
        let n = shape.examples, d = shape.input.count, k = shape.classes
        var g = SeededGenerator(seed: seed, stream: .data)
        // A loop, not `map`: the generic map's closure allocated once per entry (15M mallocs for (a)).
        var storage = [T](repeating: 0, count: n * d)
        var y = Matrix<T>(rows: n, columns: k)
        if case .transformer(_, _, _, let vocabulary, _) = shape.architecture {
            // Token ids uniform in 0..<V as exact integers and a ±1 target, the layout of the
            // `tokens` data set (docs/ARCHITECTURES.md §The tokens data set); the labels are
            // random, not its rule's, which changes no operation's cost.
            for i in storage.indices { storage[i] = T(Int(g.next() % UInt64(vocabulary))) }
            for i in 0..<n { y[i, 0] = g.next() % 2 == 0 ? 1 : -1 }
        } else {
            for i in storage.indices { storage[i] = T(g.nextNormal()) }
            for i in 0..<n { y[i, Int(g.next() % UInt64(k))] = 1 }
        }
        let x = Matrix<T>(rows: n, columns: d, storage: storage)
        let network = shape.network
        loss = FullBatchLoss(network: network, loss: shape.loss, inputs: x, targets: y)
        theta = network.initialParameters(.pytorch, seed: seed, as: T.self)
        var ug = SeededGenerator(seed: seed, stream: .testing)
        direction = normalized((0..<theta.count).map { _ in T(ug.nextNormal()) })
        alternate = adding(theta, 1e-3, direction)
        gradient = [T](repeating: 0, count: theta.count)
        hessianVector = gradient
        third = gradient
        _ = loss.lossAndGradient(at: theta, into: &gradient)
        nextTheta = adding(theta, -learningRate, gradient)
        warmStart = BlockLanczos<T>(count: warmStartCount, seed: seed).topEigenpairs(of: HessianOperator(loss, at: theta)).eigenvectors
        gdTheta = theta
        gdWarmStart = Array(warmStart.prefix(1))
    }

    /// One fresh ∇L: θ alternates between θ₀ and θ₀ + 10⁻³u so nothing is cached.
    @inline(never)
    public func runGradient() -> T {
        flip.toggle()
        return loss.lossAndGradient(at: flip ? alternate : theta, into: &gradient)
    }

    /// ∇²L·u at θ₀ with θ₀'s forward and backward passes cached (as inside an eigen-solve).
    @inline(never)
    public func runHessianVectorProduct() {
        loss.hessianVectorProduct(at: theta, direction, into: &hessianVector)
    }

    /// ∇²L·u at a θ not seen before: forward, backward and Taylor pass.
    @inline(never)
    public func runFreshHessianVectorProduct() {
        flip.toggle()
        loss.hessianVectorProduct(at: flip ? alternate : theta, direction, into: &hessianVector)
    }

    /// ∇²L·u and ∇³L[u, u] from one second-order pass at θ₀ (forward and backward cached).
    @inline(never)
    public func runThirdDerivative() {
        loss.hessianVectorProductAndThirdDerivative(at: theta, direction, into: &hessianVector, &third)
    }

    /// ∇²L·u and ∇³L[u, u] at a θ not seen before: forward, backward and second-order pass.
    @inline(never)
    public func runFreshThirdDerivative() {
        flip.toggle()
        loss.hessianVectorProductAndThirdDerivative(at: flip ? alternate : theta, direction, into: &hessianVector, &third)
    }

    /// The solver a GD run uses (docs/CONFIGURATION.md §2.5 defaults: τ = 1e-8, raised to the precision's floor).
    public func solver(count: Int) -> BlockLanczos<T> { BlockLanczos<T>(count: count, seed: 1) }

    /// The top-k eigenpairs of ∇²L(θ₁), warm-started from θ₀'s eigenvectors (the forward and
    /// backward passes at θ₁ are cached after the first call, as after a GD step's gradient).
    @inline(never)
    public func runEigensolve(count: Int) -> Eigenpairs<T> {
        _ = loss.lossAndGradient(at: nextTheta, into: &gradient)
        return solver(count: count).topEigenpairs(
            of: HessianOperator(loss, at: nextTheta),
            startVectors: Array(warmStart.prefix(count)))
    }

    /// `steps` GD updates θ ← θ − η∇L(θ) in place, without allocating.
    @inline(never)
    public func runGradientSteps(_ steps: Int) {
        for _ in 0..<steps {
            _ = loss.lossAndGradient(at: gdTheta, into: &gradient)
            axpy(-learningRate, gradient, &gdTheta)
        }
    }

    /// One warm-started top-1 sharpness solve at the GD iterate (after its gradient).
    @inline(never)
    public func runSharpness() -> T {
        let pairs = solver(count: 1).topEigenpairs(of: HessianOperator(loss, at: gdTheta), startVectors: gdWarmStart)
        gdWarmStart = pairs.eigenvectors
        lastSolveApplications = pairs.operatorApplications
        return pairs.eigenvalues[0]
    }

    /// Ten GD steps with the sharpness measured at the first (every 10 steps, as `eos run`).
    public func runTenStepsWithSharpness() -> T {
        _ = loss.lossAndGradient(at: gdTheta, into: &gradient)
        let s = runSharpness()
        axpy(-learningRate, gradient, &gdTheta)
        runGradientSteps(9)
        return s
    }
}
