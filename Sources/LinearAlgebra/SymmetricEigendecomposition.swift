/// The full eigendecomposition A = V diag(λ) Vᵀ of a small dense symmetric matrix, through
/// LAPACK `?syev` (used for Rayleigh–Ritz problems and explicit Hessians in tests).
public struct SymmetricEigendecomposition<T: BLASScalar>: Sendable {
    /// Eigenvalues in ascending order.
    public let values: [T]
    /// Eigenvectors as rows: `vectors.row(i)` is the unit eigenvector of `values[i]`.
    public let vectors: Matrix<T>

    public enum Failure: Error, CustomStringConvertible {
        case notConverged(info: Int)
        public var description: String {
            switch self {
            case .notConverged(let info):
                return "LAPACK ?syev did not converge (info = \(info)); the matrix probably holds NaN or inf"
            }
        }
    }

    /// Decomposes symmetric `a` ([n, n]; only its upper triangle, in row-major terms its lower, is read).
    public init(_ a: Matrix<T>) throws {
        precondition(a.rows == a.columns, "SymmetricEigendecomposition needs a square matrix, got [\(a.rows), \(a.columns)]")
        let n = a.rows
        var work = a.storage
        var w = [T](repeating: 0, count: n)
        if n == 0 { values = []; vectors = Matrix(rows: 0, columns: 0); return }
        let info = work.withUnsafeMutableBufferPointer { pa in
            w.withUnsafeMutableBufferPointer { pw in T.syev(n: n, a: pa.baseAddress!, w: pw.baseAddress!) }
        }
        if info != 0 { throw Failure.notConverged(info: info) }
        values = w
        // LAPACK is column-major: column i of its output, i.e. row i of our row-major view.
        vectors = Matrix(rows: n, columns: n, storage: work)
    }
}
