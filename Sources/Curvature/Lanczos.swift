import LinearAlgebra

/// Block Lanczos with full reorthogonalization and thick explicit restarts: the top-k
/// (largest algebraic) eigenpairs of a `SymmetricOperator` A on ℝᴺ, seen only through A·v.
///
/// The method, with p = `blockSize` ≥ k and m = `maxBasisSize`:
/// 1. The first block is the caller's start vectors (the first p; warm start) filled up with
///    Gaussian vectors from `SeededGenerator(seed:, stream: .eigensolver)`, orthonormalized.
/// 2. Each new block is A·(previous block), orthogonalized against the whole basis V by
///    classical Gram–Schmidt twice (DGKS); a vector that turns out numerically dependent
///    (its norm collapses in the second pass, or is zero) is replaced by a fresh random vector
///    orthogonal to V. A block of p vectors sees an eigenvalue of multiplicity up to p.
/// 3. Rayleigh–Ritz on the projected matrix T = Vᵀ A V ([size, size], by LAPACK ?syev) gives
///    Ritz pairs (θᵢ, yᵢ = V sᵢ), with A yᵢ = (A V) sᵢ from the stored images (no extra products).
/// 4. Converged when every one of the top k pairs has ‖A yᵢ − θᵢ yᵢ‖ ≤ τ · maxⱼ |θⱼ|, the
///    maximum over all Ritz values of the current basis (a lower estimate of ‖A‖₂), with
///    τ = max(`tolerance`, `toleranceFloor(dimension:)`). A basis spanning all of ℝᴺ is exact up to
///    rounding and also counts as converged (N ≤ p, k = N, tiny N).
/// 5. When V reaches m vectors (m < N), restart with the top r = min(m − p, max(p, m/2)) Ritz
///    vectors as the new basis (T = diag θ, images A·Y kept): the next block grows from A·y of
///    the top p of them, i.e. from their residuals, so the Krylov information is not lost.
/// 6. Stop when the next block would exceed `maxOperatorApplications` products
///    (`converged == false`), or when A returns NaN/inf (the last finite Ritz pairs are returned).
///
/// Cost per solve: one A·v per basis vector, O(m² N) for the orthogonalization, storage of
/// 2b + max(k, r) + 2 vectors of length N (V, A·V, Ritz vectors, two scratch vectors), b ≤ m the
/// largest basis the solve reached (a warm start after a GD step often stops at b = 2–6): the
/// vectors are allocated as the basis grows. A restart (b = m) builds the kept images
/// A·Y = (A V) S in the basis slots it frees. Deterministic: the same operator,
/// start vectors and seed give the same bits on the same machine.
public struct BlockLanczos<Scalar: BLASScalar>: Sendable {
    /// k, the number of eigenpairs wanted (largest algebraic first).
    public let count: Int
    /// p ≥ k, the number of vectors per Krylov block (capped at N in a solve).
    public let blockSize: Int
    /// τ, the relative residual tolerance (see step 4).
    public let tolerance: Scalar
    /// m ≥ 2p, the basis size that triggers a restart (capped at N in a solve).
    public let maxBasisSize: Int
    /// The budget of operator applications A·v for one solve.
    public let maxOperatorApplications: Int
    /// Seed of the `.eigensolver` stream that fills the random start and refill vectors.
    public let seed: UInt64

    /// - Parameters:
    ///   - count: k ≥ 1.
    ///   - blockSize: p ≥ k; defaults to k.
    ///   - tolerance: τ ≥ 0, relative residual (default 1e-8, `sharpness.tol` of docs/CONFIGURATION.md §2.5).
    ///   - maxBasisSize: m ≥ 2p; defaults to max(4p, 24).
    ///   - maxOperatorApplications: ≥ p; defaults to 10 000.
    ///   - seed: seed of the random start/refill vectors.
    public init(
        count: Int = 1, blockSize: Int? = nil, tolerance: Scalar = 1e-8, maxBasisSize: Int? = nil,
        maxOperatorApplications: Int = 10_000, seed: UInt64 = 0
    ) {
        let p = blockSize ?? count
        let m = maxBasisSize ?? Swift.max(4 * p, 24)
        precondition(count >= 1, "BlockLanczos: count must be at least 1, got \(count)")
        precondition(p >= count, "BlockLanczos: blockSize \(p) is smaller than count \(count)")
        precondition(m >= 2 * p, "BlockLanczos: maxBasisSize \(m) is smaller than 2 × blockSize \(p)")
        precondition(tolerance >= 0, "BlockLanczos: tolerance must be non-negative, got \(tolerance)")
        precondition(
            maxOperatorApplications >= p,
            "BlockLanczos: maxOperatorApplications \(maxOperatorApplications) is smaller than blockSize \(p)")
        self.count = count
        self.blockSize = p
        self.tolerance = tolerance
        self.maxBasisSize = m
        self.maxOperatorApplications = maxOperatorApplications
        self.seed = seed
    }

    /// r = min(m − p, max(p, m/2)), the Ritz vectors a restart keeps (step 5).
    static func keptAtRestart(blockSize p: Int, basisSize m: Int) -> Int { Swift.min(m - p, Swift.max(p, m / 2)) }

    /// The most [N] vectors one solve on an N-dimensional operator stores at once: V and A·V
    /// (m each, m capped at N), the candidate and the residual, and the Ritz vectors (k, or the r
    /// a restart keeps). For estimating a run's memory before anything is allocated.
    public func storedVectors(dimension n: Int) -> Int {
        let p = Swift.min(blockSize, n), m = Swift.min(maxBasisSize, n)
        return 2 * m + Swift.max(count, Self.keptAtRestart(blockSize: p, basisSize: m)) + 2
    }

    /// The smallest relative residual this precision can certify for an N-dimensional operator,
    /// 10 ε √N (ε = `Scalar.ulpOfOne`): the rounding error of A·v and of the Ritz vectors.
    /// A smaller `tolerance` is raised to it, so a Float32 solve with τ = 1e-8 still ends.
    public static func toleranceFloor(dimension: Int) -> Scalar {
        10 * Scalar.ulpOfOne * Scalar(Swift.max(dimension, 1)).squareRoot()
    }

    /// The top-k eigenpairs of `op` (applied through a copy of it).
    ///
    /// - Parameter startVectors: warm start, e.g. the previous solve's eigenvectors; any count,
    ///   [N] each; the first p are used, need not be orthonormal, and dependent, zero or
    ///   non-finite ones are replaced by random vectors.
    public func topEigenpairs<Op: SymmetricOperator>(of op: Op, startVectors: [[Scalar]] = []) -> Eigenpairs<Scalar>
    where Op.Scalar == Scalar {
        var op = op
        let n = op.dimension
        precondition(count <= n, "BlockLanczos: asked for \(count) eigenpairs of a \(n)-dimensional operator")
        for (i, v) in startVectors.enumerated() {
            precondition(v.count == n, "BlockLanczos: start vector \(i) has \(v.count) entries, the operator \(n)")
        }
        let p = Swift.min(blockSize, n)
        let m = Swift.min(maxBasisSize, n)
        let kept = Self.keptAtRestart(blockSize: p, basisSize: m)
        let tau = Swift.max(tolerance, Self.toleranceFloor(dimension: n))
        var ws = LanczosWorkspace<Scalar>(dimension: n, capacity: m, seed: seed)

        for v in startVectors.prefix(p) { _ = ws.appendOrthogonalized(v) }
        while ws.size < p, ws.appendRandom() {}

        var applications = 0
        var restarts = 0
        var pending = 0..<ws.size  // basis vectors whose images A·v are still to compute
        var source = 0..<ws.size  // the block whose images seed the next block
        var last: (values: [Scalar], residuals: [Scalar])?

        func finish(_ reason: Eigenpairs<Scalar>.StopReason) -> Eigenpairs<Scalar> {
            ws.eigenpairs(
                count: count, values: last?.values, residuals: last?.residuals,
                operatorApplications: applications, restarts: restarts, tolerance: tau, stopReason: reason)
        }

        while true {
            for i in pending {
                ws.computeImage(of: i, with: &op)
                applications += 1
                if !norm(ws.images[i]).isFinite { return finish(.nonFiniteValues) }
            }
            ws.extendProjection(with: pending)

            let restartNow = ws.size == m && m < n
            guard let values = ws.rayleighRitz(vectorCount: restartNow ? kept : count) else {
                return finish(.nonFiniteValues)
            }
            let scale = values.reduce(Scalar(0)) { Swift.max($0, abs($1)) }
            let residuals = ws.ritzResidualNorms(values: values, count: count)
            last = (Array(values.prefix(count)), residuals)
            if ws.size == n || residuals.allSatisfy({ $0 <= tau * scale }) { return finish(.converged) }

            let width = restartNow ? p : Swift.min(source.count, m - ws.size)
            if applications + width > maxOperatorApplications { return finish(.applicationBudgetExhausted) }
            if restartNow {
                ws.restart(keeping: kept, values: values)
                source = 0..<p
                restarts += 1
            }
            let start = ws.size
            for s in source.prefix(width) {
                // A·v already in span V (an invariant subspace): continue with a fresh direction.
                if !ws.appendOrthogonalizedImage(of: s) { _ = ws.appendRandom() }
            }
            // No new direction although size < N: V spans ℝᴺ numerically, its Ritz pairs are exact.
            if ws.size == start { return finish(.converged) }
            pending = start..<ws.size
            source = pending
        }
    }
}

/// The storage of one block Lanczos solve, grown as the basis grows (never beyond m vectors of
/// V and of A·V); every vector is [N].
private struct LanczosWorkspace<Scalar: BLASScalar> {
    let n: Int
    /// m, the most basis vectors.
    let capacity: Int
    /// V: the first `size` rows are orthonormal (later rows are storage left by a restart).
    var basis: [[Scalar]] = []
    /// A·V, row for row.
    var images: [[Scalar]] = []
    var size = 0
    /// T = Vᵀ A V, [m, m]; its top-left [size, size] block is current.
    var projected: Matrix<Scalar>
    /// Ritz vectors Y = V S of the last Rayleigh–Ritz step, descending θ.
    var ritzVectors: [[Scalar]] = []
    /// S of the last Rayleigh–Ritz step: column i of Y = V S is `ritzCoefficients[size − 1 − i, ·]`
    /// (LAPACK's ascending order, eigenvectors as rows).
    var ritzCoefficients = Matrix<Scalar>(rows: 0, columns: 0)
    var candidate: [Scalar]
    var residual: [Scalar]
    var coefficients: [Scalar]
    var generator: SeededGenerator

    init(dimension n: Int, capacity m: Int, seed: UInt64) {
        self.n = n
        capacity = m
        let zero = [Scalar](repeating: 0, count: n)
        projected = Matrix(rows: m, columns: m)
        candidate = zero
        residual = zero
        coefficients = [Scalar](repeating: 0, count: m)
        generator = SeededGenerator(seed: seed, stream: .eigensolver)
    }

    /// candidate ← candidate − V Vᵀ candidate (one classical Gram–Schmidt pass).
    private mutating func projectOutBasis() {
        dots(basis, count: size, with: candidate, into: &coefficients)
        for l in 0..<size { coefficients[l] = -coefficients[l] }
        addCombination(coefficients, of: basis, count: size, into: &candidate)
    }

    /// Orthogonalizes `candidate` against V twice and appends it normalized; false (nothing
    /// appended) when it is zero, non-finite or numerically in span V.
    private mutating func appendCandidate() -> Bool {
        guard size < capacity else { return false }
        let original = norm(candidate)
        projectOutBasis()
        let first = norm(candidate)
        projectOutBasis()
        let second = norm(candidate)
        // A second pass that removes more than half of what is left means the first one was
        // swamped by rounding: the vector was (numerically) in span V.
        guard second.isFinite, second > Scalar.ulpOfOne * original, second >= first / 2 else { return false }
        scale(&candidate, by: 1 / second)
        if size == basis.count {
            basis.append(candidate)
            candidate = [Scalar](repeating: 0, count: n)
        } else {
            swap(&basis[size], &candidate)
        }
        size += 1
        return true
    }

    /// images[i] ← A·vᵢ.
    mutating func computeImage<Op: SymmetricOperator>(of i: Int, with op: inout Op) where Op.Scalar == Scalar {
        while images.count <= i { images.append([Scalar](repeating: 0, count: n)) }
        op.apply(basis[i], into: &images[i])
        precondition(images[i].count == n, "BlockLanczos: the operator returned \(images[i].count) entries for dimension \(n)")
    }

    mutating func appendOrthogonalized(_ v: [Scalar]) -> Bool {
        copy(v, into: &candidate)
        return appendCandidate()
    }

    /// Appends A·vₛ (the stored image of basis vector s) orthogonalized against V.
    mutating func appendOrthogonalizedImage(of s: Int) -> Bool {
        copy(images[s], into: &candidate)
        return appendCandidate()
    }

    /// Appends a Gaussian vector orthogonalized against V; false only if V spans ℝᴺ numerically.
    mutating func appendRandom() -> Bool {
        guard size < n else { return false }
        for _ in 0..<4 {
            for i in 0..<n { candidate[i] = Scalar(generator.nextNormal()) }
            if appendCandidate() { return true }
        }
        return false
    }

    /// Fills the rows and columns of T that involve the basis vectors `range`.
    mutating func extendProjection(with range: Range<Int>) {
        for b in range {
            dots(basis, count: b + 1, with: images[b], into: &coefficients)
            for a in 0...b {
                projected[a, b] = coefficients[a]
                projected[b, a] = coefficients[a]
            }
        }
    }

    /// Rayleigh–Ritz on T: returns all `size` Ritz values in descending order and stores the
    /// first `vectorCount` Ritz vectors and S; nil when T is not finite.
    mutating func rayleighRitz(vectorCount: Int) -> [Scalar]? {
        var t = Matrix<Scalar>(rows: size, columns: size)
        for i in 0..<size { for j in 0..<size { t[i, j] = projected[i, j] } }
        guard let eigen = try? SymmetricEigendecomposition(t), eigen.values.allSatisfy(\.isFinite) else { return nil }
        ritzCoefficients = eigen.vectors
        while ritzVectors.count < vectorCount { ritzVectors.append([Scalar](repeating: 0, count: n)) }
        for i in 0..<vectorCount {
            Self.combine(basis, size: size, column: i, of: ritzCoefficients, scratch: &coefficients, into: &ritzVectors[i])
        }
        return eigen.values.reversed()
    }

    /// destination ← Σₗ S[l, i] sourceₗ over the first `size` vectors (source V gives yᵢ, source
    /// A·V gives A yᵢ), S = `s` in LAPACK's layout; `scratch` holds the coefficients ([≥ size]).
    private static func combine(
        _ source: [[Scalar]], size: Int, column i: Int, of s: Matrix<Scalar>,
        scratch: inout [Scalar], into destination: inout [Scalar]
    ) {
        let row = size - 1 - i
        for l in 0..<size { scratch[l] = s[row, l] }
        fill(&destination, with: 0)
        addCombination(scratch, of: source, count: size, into: &destination)
    }

    /// ‖A yᵢ − θᵢ yᵢ‖ for the first `count` Ritz pairs, A yᵢ = (A V) sᵢ.
    mutating func ritzResidualNorms(values: [Scalar], count: Int) -> [Scalar] {
        (0..<count).map { i in
            Self.combine(images, size: size, column: i, of: ritzCoefficients, scratch: &coefficients, into: &residual)
            axpy(-values[i], ritzVectors[i], &residual)
            return norm(residual)
        }
    }

    /// Replaces V by the first `kept` Ritz vectors and A·V by their images (T becomes diag θ).
    /// The images A yᵢ = (A V) sᵢ are built in the basis slots [kept, 2·kept), free once the Ritz
    /// vectors are in place (kept ≤ m/2), then swapped into A·V.
    mutating func restart(keeping kept: Int, values: [Scalar]) {
        precondition(2 * kept <= size, "LanczosWorkspace: a restart keeps at most half the basis")
        for i in 0..<kept {
            Self.combine(images, size: size, column: i, of: ritzCoefficients, scratch: &coefficients, into: &basis[kept + i])
        }
        for i in 0..<kept {
            copy(ritzVectors[i], into: &basis[i])
            swap(&images[i], &basis[kept + i])
            for j in 0..<kept { projected[i, j] = i == j ? values[i] : 0 }
        }
        size = kept
    }

    /// The result: the last Ritz pairs, normalized and sign-fixed; before any Rayleigh–Ritz
    /// step (`values` nil) the start vectors with NaN eigenvalues and residuals.
    func eigenpairs(
        count: Int, values: [Scalar]?, residuals: [Scalar]?, operatorApplications: Int, restarts: Int,
        tolerance: Scalar, stopReason: Eigenpairs<Scalar>.StopReason
    ) -> Eigenpairs<Scalar> {
        let source = values == nil ? basis : ritzVectors
        let vectors = (0..<count).map { signNormalized(normalized(source[$0])) }
        return Eigenpairs(
            eigenvalues: values ?? Array(repeating: .nan, count: count), eigenvectors: vectors,
            residualNorms: residuals ?? Array(repeating: .nan, count: count),
            operatorApplications: operatorApplications, restarts: restarts,
            tolerance: tolerance, stopReason: stopReason)
    }
}

/// v or −v, whichever has its largest-magnitude entry (the first on ties) positive.
private func signNormalized<Scalar: BLASScalar>(_ v: [Scalar]) -> [Scalar] {
    guard let largest = v.indices.max(by: { abs(v[$0]) < abs(v[$1]) }), v[largest] < 0 else { return v }
    var flipped = v
    scale(&flipped, by: -1)
    return flipped
}

/// destination ← source (equal lengths; reuses destination's storage).
private func copy<Scalar: BLASScalar>(_ source: [Scalar], into destination: inout [Scalar]) {
    precondition(source.count == destination.count, "copy: lengths \(source.count) and \(destination.count) differ")
    destination.withUnsafeMutableBufferPointer { d in
        source.withUnsafeBufferPointer { s in _ = d.update(fromContentsOf: s) }
    }
}

private func fill<Scalar: BLASScalar>(_ v: inout [Scalar], with value: Scalar) {
    v.withUnsafeMutableBufferPointer { $0.update(repeating: value) }
}
