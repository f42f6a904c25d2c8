import LinearAlgebra
import Curvature

/// A = Q diag(λ) Qᵀ with Q a product of Householder reflections I − 2vvᵀ of Gaussian v: a dense
/// symmetric matrix whose eigenpairs are known without any eigen-solver (eigenvector i = Q eᵢ).
struct KnownSpectrum {
    let matrix: Matrix<Double>
    /// λ, in the order given.
    let eigenvalues: [Double]
    /// Q eᵢ, unit, [N] each.
    let eigenvectors: [[Double]]

    init(_ lambda: [Double], reflections: Int = 40, seed: UInt64 = 1) {
        let n = lambda.count
        var a = Matrix<Double>(rows: n, columns: n)
        for i in 0..<n { a[i, i] = lambda[i] }
        var q: [[Double]] = (0..<n).map { i in (0..<n).map { $0 == i ? 1 : 0 } }
        var g = SeededGenerator(seed: seed, stream: .testing)
        var w = [Double](repeating: 0, count: n)
        for _ in 0..<reflections {
            let v = normalized((0..<n).map { _ in g.nextNormal() })
            // H A H = A − 2 v wᵀ − 2 w vᵀ + 4 (vᵀw) v vᵀ with w = A v.
            multiply(a, v, into: &w)
            let c = dot(v, w)
            for i in 0..<n {
                for j in 0..<n { a[i, j] += -2 * v[i] * w[j] - 2 * w[i] * v[j] + 4 * c * v[i] * v[j] }
            }
            for i in 0..<n { axpy(-2 * dot(v, q[i]), v, &q[i]) }
        }
        matrix = a
        eigenvalues = lambda
        eigenvectors = q
    }

    var dense: DenseSymmetricOperator<Double> { DenseSymmetricOperator(matrix) }
}

/// ‖A y − θ y‖ computed from the explicit matrix.
func denseResidual(_ a: Matrix<Double>, _ theta: Double, _ y: [Double]) -> Double {
    var ay = [Double](repeating: 0, count: y.count)
    multiply(a, y, into: &ay)
    return norm(adding(ay, -theta, y))
}

/// ‖P y‖ with P the orthogonal projector onto span(basis) (basis orthonormal).
func projectionNorm(_ y: [Double], onto basis: [[Double]]) -> Double {
    var p = [Double](repeating: 0, count: y.count)
    for b in basis { axpy(dot(b, y), b, &p) }
    return norm(p)
}

/// The spectrum `top` followed by `rest` values spread evenly over [low, high].
func spectrum(top: [Double], rest: Int, low: Double, high: Double) -> [Double] {
    top + (0..<rest).map { low + (high - low) * Double($0) / Double(max(rest - 1, 1)) }
}
