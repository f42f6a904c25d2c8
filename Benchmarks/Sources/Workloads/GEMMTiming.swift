import LinearAlgebra

/// Times BLAS GEMMs alone on scratch buffers: the measured rate that turns a FLOP count into
/// the floor of an operation, and the time of an operation's exact GEMM sequence.
public final class GEMMTiming<T: BLASScalar> {
    private let a: UnsafeMutablePointer<T>, b: UnsafeMutablePointer<T>, c: UnsafeMutablePointer<T>
    private let capacity: Int

    /// Scratch for GEMMs whose operands have at most `capacity` entries each.
    public init(capacity: Int) {
        self.capacity = capacity
        a = .allocate(capacity: capacity); b = .allocate(capacity: capacity); c = .allocate(capacity: capacity)
        var g = SeededGenerator(seed: 5, stream: .testing)
        for i in 0..<capacity { a[i] = T(g.nextNormal()); b[i] = T(g.nextNormal()); c[i] = 0 }
    }

    deinit { a.deallocate(); b.deallocate(); c.deallocate() }

    /// Runs the calls once, in order.
    public func run(_ calls: [BenchmarkShape.GEMM]) {
        for g in calls {
            precondition(g.m * g.k <= capacity && g.k * g.n <= capacity && g.m * g.n <= capacity, "GEMMTiming: scratch too small")
            T.gemm(
                transposeA: g.transposeA, transposeB: g.transposeB, m: g.m, n: g.n, k: g.k, alpha: 1,
                a: a, lda: g.transposeA ? g.m : g.k, b: b, ldb: g.transposeB ? g.k : g.n,
                beta: 0, c: c, ldc: g.n)
        }
    }
}

/// Wall-clock seconds of `body`, repeated at least `minimumRepetitions` times and until
/// `minimumSeconds` have passed, after one untimed warm-up call.
public func measure(minimumRepetitions: Int = 3, minimumSeconds: Double = 1, _ body: () -> Void) -> [Double] {
    body()
    let clock = ContinuousClock()
    var samples: [Double] = []
    let start = clock.now
    while samples.count < minimumRepetitions || (clock.now - start) < .seconds(minimumSeconds) {
        let t0 = clock.now
        body()
        let d = clock.now - t0
        samples.append(Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    }
    return samples
}

/// The median of a non-empty sample.
public func median(_ x: [Double]) -> Double {
    let s = x.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
