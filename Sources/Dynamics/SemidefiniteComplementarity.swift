import LinearAlgebra

/// The semidefinite complementarity problem SDCP(A, 𝐁) of the central flow (docs/THEORY.md §10):
/// find a symmetric k×k matrix X with
///
///     X ⪰ 0,   Y = A + 𝐁[X] ⪰ 0,   ⟨X, Y⟩ = 0,
///
/// for a symmetric A [k, k] and a symmetric positive semidefinite linear map 𝐁 on the symmetric
/// k×k matrices. It is the optimality condition of the convex problem
/// min_{X ⪰ 0} ½⟨X, 𝐁[X]⟩ + ⟨A, X⟩. For k = 1 the answer is X = max(0, −A/𝐁).
///
/// Symmetric matrices are handled in svec coordinates (m = k(k+1)/2 numbers: the diagonal entries
/// and √2 × the entries above it, row by row), in which ⟨X, Y⟩ is the dot product and 𝐁 is an
/// m×m symmetric PSD matrix (`operatorMatrix`).
///
/// The solver (small k, dense): X = 0 when A ⪰ 0; otherwise an accelerated projected gradient
/// (FISTA, step 1/λ_max(𝐁), projection onto the PSD cone by an eigendecomposition) to get close,
/// then a semismooth Newton method on the natural map of Z = X − Y: X = Π₊(Z), Y = Π₊(Z) − Z,
/// so the problem is G(Z) = Z − Π₊(Z) + A + 𝐁[Π₊(Z)] = 0, whose Jacobian uses the derivative of
/// the PSD projection (Löwner's divided differences). Newton converges quadratically near the
/// solution, so the conditions hold to rounding (about 1e-15 relative to the problem's scale).
public struct SemidefiniteComplementarityProblem: Sendable, Equatable {
    /// k
    public let size: Int
    /// A [k, k], symmetric.
    public let a: Matrix<Double>
    /// 𝐁 in svec coordinates [m, m], symmetric PSD.
    public let operatorMatrix: Matrix<Double>

    /// - Parameters:
    ///   - a: A [k, k] (symmetrized: only (A + Aᵀ)/2 is used).
    ///   - operatorMatrix: 𝐁 in svec coordinates [m, m], m = k(k+1)/2 (symmetrized likewise).
    public init(a: Matrix<Double>, operatorMatrix: Matrix<Double>) {
        let k = a.rows
        let m = k * (k + 1) / 2
        precondition(a.columns == k, "SDCP: A must be square, got [\(a.rows), \(a.columns)]")
        precondition(
            operatorMatrix.rows == m && operatorMatrix.columns == m,
            "SDCP: 𝐁 must be [\(m), \(m)] for k = \(k), got [\(operatorMatrix.rows), \(operatorMatrix.columns)]")
        size = k
        var sa = a
        for i in 0..<k { for j in 0..<k { sa[i, j] = (a[i, j] + a[j, i]) / 2 } }
        self.a = sa
        var sb = operatorMatrix
        for i in 0..<m { for j in 0..<m { sb[i, j] = (operatorMatrix[i, j] + operatorMatrix[j, i]) / 2 } }
        self.operatorMatrix = sb
    }

    /// m = k(k+1)/2, the dimension of the symmetric k×k matrices.
    public var svecDimension: Int { size * (size + 1) / 2 }

    /// 𝐁[X] for a symmetric X [k, k].
    public func apply(_ x: Matrix<Double>) -> Matrix<Double> {
        SymmetricCoordinates.smat(multiply(operatorMatrix, SymmetricCoordinates.svec(x)), size: size)
    }

    /// Y = A + 𝐁[X].
    public func complement(_ x: Matrix<Double>) -> Matrix<Double> {
        let b = apply(x)
        var y = a
        for i in 0..<size { for j in 0..<size { y[i, j] += b[i, j] } }
        return y
    }

    /// Solves the problem (see the type's description): a few projected-gradient iterations,
    /// then Newton; when Newton stalls (a singular Jacobian, as for a rank-deficient 𝐁), up to
    /// `gradientIterations` more projected-gradient iterations from the best point, then Newton
    /// again. Returns the candidate with the smallest violation.
    public func solve(gradientIterations: Int = 2000, newtonIterations: Int = 60) -> SemidefiniteComplementaritySolution {
        let k = size
        if k == 0 { return SemidefiniteComplementaritySolution(x: Matrix(rows: 0, columns: 0), problem: self, iterations: 0) }
        let aEigen = symmetricEigen(a)
        if aEigen.values.allSatisfy({ $0 >= 0 }) {
            return SemidefiniteComplementaritySolution(x: Matrix(rows: k, columns: k), problem: self, iterations: 0)
        }
        let m = svecDimension
        let av = SymmetricCoordinates.svec(a)
        let lipschitz = symmetricEigen(operatorMatrix).values.last ?? 0
        let scale = Swift.max(maxAbs(av), lipschitz, .leastNormalMagnitude)
        var iterations = 0
        var x = [Double](repeating: 0, count: m)
        var best: SemidefiniteComplementaritySolution?
        for budget in [Swift.min(20, gradientIterations), gradientIterations] {
            if lipschitz > 0 {
                x = acceleratedProjectedGradient(from: x, linear: av, step: 1 / lipschitz, iterations: budget, count: &iterations)
            }
            let z = newton(
                from: subtract(x, add(av, multiply(operatorMatrix, x))), linear: av, scale: scale, iterations: newtonIterations,
                count: &iterations)
            for candidate in [SymmetricCoordinates.smat(projectPSD(svec: z), size: k), SymmetricCoordinates.smat(x, size: k)] {
                let solution = SemidefiniteComplementaritySolution(x: candidate, problem: self, iterations: iterations)
                if best == nil || solution.violation < best!.violation { best = solution }
            }
            if best!.violation <= 1e-13 * scale { break }
            x = SymmetricCoordinates.svec(best!.x)
        }
        return SemidefiniteComplementaritySolution(x: best!.x, problem: self, iterations: iterations)
    }

    /// FISTA on f(x) = ½ xᵀ𝐁x + aᵀx over the PSD cone (svec coordinates) from `start`.
    private func acceleratedProjectedGradient(
        from start: [Double], linear av: [Double], step: Double, iterations: Int, count: inout Int
    ) -> [Double] {
        var x = start
        var y = x
        var t = 1.0
        for _ in 0..<iterations {
            count += 1
            let gradient = add(multiply(operatorMatrix, y), av)
            let next = projectPSD(svec: subtract(y, scaled(gradient, step)))
            let change = maxAbs(subtract(next, x))
            let tNext = (1 + (1 + 4 * t * t).squareRoot()) / 2
            y = add(next, scaled(subtract(next, x), (t - 1) / tNext))
            x = next
            t = tNext
            if change <= 1e-12 * Swift.max(1, maxAbs(x)) { break }
        }
        return x
    }

    /// Semismooth Newton with backtracking on G(z) = z − p(z) + a + 𝐁 p(z), p = svec ∘ Π₊ ∘ smat;
    /// returns the last z (X = Π₊(z), Y = Π₊(z) − z + G(z)).
    private func newton(from start: [Double], linear av: [Double], scale: Double, iterations: Int, count: inout Int) -> [Double] {
        let m = svecDimension
        func residual(_ z: [Double]) -> [Double] {
            let p = projectPSD(svec: z)
            return add(subtract(z, p), add(av, multiply(operatorMatrix, p)))
        }
        var z = start
        var g = residual(z)
        var gNorm = euclidean(g)
        for _ in 0..<iterations {
            if gNorm <= 1e-15 * scale { break }
            count += 1
            let dp = projectionDerivative(at: z)
            let bdp = matmul(operatorMatrix, dp)
            var jacobian = Matrix<Double>(rows: m, columns: m)
            for i in 0..<m { for j in 0..<m { jacobian[i, j] = (i == j ? 1 : 0) - dp[i, j] + bdp[i, j] } }
            guard let d = solveLinear(jacobian, scaled(g, -1)) else { break }
            var stepLength = 1.0
            var improved = false
            for _ in 0..<30 {
                let candidate = add(z, scaled(d, stepLength))
                let gc = residual(candidate)
                let n = euclidean(gc)
                if n < (1 - 1e-4 * stepLength) * gNorm {
                    z = candidate
                    g = gc
                    gNorm = n
                    improved = true
                    break
                }
                stepLength /= 2
            }
            if !improved { break }
        }
        return z
    }

    /// svec(Π₊(smat(v))): the projection onto the PSD cone (negative eigenvalues set to zero).
    private func projectPSD(svec v: [Double]) -> [Double] {
        let e = symmetricEigen(SymmetricCoordinates.smat(v, size: size))
        var p = Matrix<Double>(rows: size, columns: size)
        for (l, mu) in e.values.enumerated() where mu > 0 {
            let q = e.vectors.row(l)
            for i in 0..<size { for j in 0..<size { p[i, j] += mu * q[i] * q[j] } }
        }
        return SymmetricCoordinates.svec(p)
    }

    /// The derivative of p = svec ∘ Π₊ ∘ smat at z, as an [m, m] matrix: for Z = Q diag(μ) Qᵀ,
    /// DΠ₊(Z)[H] = Q (Ω ∘ QᵀHQ) Qᵀ with Ωᵢⱼ = (μᵢ⁺ − μⱼ⁺)/(μᵢ − μⱼ), and 1 or 0 (μᵢ > 0 or not)
    /// where μᵢ = μⱼ.
    private func projectionDerivative(at z: [Double]) -> Matrix<Double> {
        let k = size, m = svecDimension
        let e = symmetricEigen(SymmetricCoordinates.smat(z, size: k))
        let mu = e.values
        var q = Matrix<Double>(rows: k, columns: k)  // columns are eigenvectors
        for l in 0..<k { for i in 0..<k { q[i, l] = e.vectors[l, i] } }
        var omega = Matrix<Double>(rows: k, columns: k)
        let tie = 1e-14 * Swift.max(1, mu.map(abs).max() ?? 0)
        for i in 0..<k {
            for j in 0..<k {
                let d = mu[i] - mu[j]
                if abs(d) > tie {
                    omega[i, j] = (Swift.max(mu[i], 0) - Swift.max(mu[j], 0)) / d
                } else {
                    omega[i, j] = (mu[i] + mu[j]) / 2 > 0 ? 1 : 0
                }
            }
        }
        var jac = Matrix<Double>(rows: m, columns: m)
        for b in 0..<m {
            var basis = [Double](repeating: 0, count: m)
            basis[b] = 1
            let h = SymmetricCoordinates.smat(basis, size: k)
            var t = matmul(transpose(q), matmul(h, q))
            for i in 0..<k { for j in 0..<k { t[i, j] *= omega[i, j] } }
            let column = SymmetricCoordinates.svec(matmul(q, matmul(t, transpose(q))))
            for a in 0..<m { jac[a, b] = column[a] }
        }
        return jac
    }
}

/// A solution of an SDCP and how well it satisfies the conditions.
public struct SemidefiniteComplementaritySolution: Sendable, Equatable {
    /// X [k, k], symmetric PSD.
    public let x: Matrix<Double>
    /// Y = A + 𝐁[X].
    public let complement: Matrix<Double>
    /// max(0, −λ_min(X)): how far X is from the PSD cone.
    public let xViolation: Double
    /// max(0, −λ_min(Y)).
    public let complementViolation: Double
    /// |⟨X, Y⟩|
    public let complementarity: Double
    /// Gradient and Newton iterations used.
    public let iterations: Int

    init(x: Matrix<Double>, problem: SemidefiniteComplementarityProblem, iterations: Int) {
        self.x = x
        complement = problem.complement(x)
        let k = problem.size
        xViolation = Swift.max(0, -(symmetricEigen(x).values.first ?? 0))
        complementViolation = Swift.max(0, -(symmetricEigen(complement).values.first ?? 0))
        var inner = 0.0
        for i in 0..<k { for j in 0..<k { inner += x[i, j] * complement[i, j] } }
        complementarity = abs(inner)
        self.iterations = iterations
    }

    /// The largest of the three violations.
    public var violation: Double { Swift.max(xViolation, complementViolation, complementarity) }
}

/// svec/smat: symmetric k×k matrices as m = k(k+1)/2 coordinates (diagonal entries, √2 × the
/// entries above the diagonal; pairs (i, j), i ≤ j, row by row), an isometry for ⟨X, Y⟩ = tr(XY).
public enum SymmetricCoordinates {
    /// The pairs (i, j), i ≤ j, in svec order.
    public static func pairs(size k: Int) -> [(Int, Int)] {
        var p: [(Int, Int)] = []
        for i in 0..<k { for j in i..<k { p.append((i, j)) } }
        return p
    }

    /// 1 for a diagonal pair, √2 for an off-diagonal one.
    public static func weight(_ pair: (Int, Int)) -> Double { pair.0 == pair.1 ? 1 : 2.0.squareRoot() }

    public static func svec(_ x: Matrix<Double>) -> [Double] {
        pairs(size: x.rows).map { weight($0) * ($0.0 == $0.1 ? x[$0.0, $0.1] : (x[$0.0, $0.1] + x[$0.1, $0.0]) / 2) }
    }

    public static func smat(_ v: [Double], size k: Int) -> Matrix<Double> {
        var x = Matrix<Double>(rows: k, columns: k)
        for (a, p) in pairs(size: k).enumerated() {
            let value = v[a] / weight(p)
            x[p.0, p.1] = value
            x[p.1, p.0] = value
        }
        return x
    }
}

/// Eigendecomposition of a small symmetric matrix (ascending; eigenvectors as rows); NaN
/// eigenvalues when LAPACK fails (a matrix with NaN or inf).
func symmetricEigen(_ x: Matrix<Double>) -> (values: [Double], vectors: Matrix<Double>) {
    guard let e = try? SymmetricEigendecomposition(x) else {
        return ([Double](repeating: .nan, count: x.rows), Matrix(rows: x.rows, columns: x.rows))
    }
    return (e.values, e.vectors)
}

private func multiply(_ m: Matrix<Double>, _ v: [Double]) -> [Double] {
    (0..<m.rows).map { i in
        var s = 0.0
        for j in 0..<m.columns { s += m[i, j] * v[j] }
        return s
    }
}

private func matmul(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
    var c = Matrix<Double>(rows: a.rows, columns: b.columns)
    for i in 0..<a.rows {
        for l in 0..<a.columns {
            let x = a[i, l]
            if x == 0 { continue }
            for j in 0..<b.columns { c[i, j] += x * b[l, j] }
        }
    }
    return c
}

private func transpose(_ a: Matrix<Double>) -> Matrix<Double> { a.transposed }

private func add(_ x: [Double], _ y: [Double]) -> [Double] { zip(x, y).map { $0 + $1 } }
private func subtract(_ x: [Double], _ y: [Double]) -> [Double] { zip(x, y).map { $0 - $1 } }
private func scaled(_ x: [Double], _ s: Double) -> [Double] { x.map { $0 * s } }
private func maxAbs(_ x: [Double]) -> Double { x.reduce(0) { Swift.max($0, abs($1)) } }
private func euclidean(_ x: [Double]) -> Double { x.reduce(0) { $0 + $1 * $1 }.squareRoot() }

/// Solves M d = r by Gaussian elimination with partial pivoting; nil when M is (numerically) singular.
private func solveLinear(_ m: Matrix<Double>, _ r: [Double]) -> [Double]? {
    let n = m.rows
    var a = m
    var b = r
    let scale = Swift.max(m.storage.reduce(0) { Swift.max($0, abs($1)) }, .leastNormalMagnitude)
    for c in 0..<n {
        var pivot = c
        for i in (c + 1)..<n where abs(a[i, c]) > abs(a[pivot, c]) { pivot = i }
        guard abs(a[pivot, c]) > 1e-14 * scale else { return nil }
        if pivot != c {
            for j in 0..<n { (a[c, j], a[pivot, j]) = (a[pivot, j], a[c, j]) }
            b.swapAt(c, pivot)
        }
        for i in (c + 1)..<n {
            let f = a[i, c] / a[c, c]
            if f == 0 { continue }
            for j in c..<n { a[i, j] -= f * a[c, j] }
            b[i] -= f * b[c]
        }
    }
    var d = [Double](repeating: 0, count: n)
    for i in stride(from: n - 1, through: 0, by: -1) {
        var s = b[i]
        for j in (i + 1)..<n { s -= a[i, j] * d[j] }
        d[i] = s / a[i, i]
    }
    return d
}
