import LinearAlgebra

/// A symmetric linear map A: ℝᴺ → ℝᴺ known only through products A·v (a Hessian through
/// Hessian-vector products, or an explicit matrix in tests). Eigen-solvers see nothing else.
public protocol SymmetricOperator<Scalar> {
    associatedtype Scalar: BLASScalar
    /// N, the length of every vector the operator takes and returns.
    var dimension: Int { get }
    /// result ← A·v; `v` and `result` have length N.
    mutating func apply(_ v: [Scalar], into result: inout [Scalar])
}

/// An explicit dense symmetric matrix as an operator ([N, N], row-major).
public struct DenseSymmetricOperator<Scalar: BLASScalar>: SymmetricOperator {
    public let matrix: Matrix<Scalar>
    public init(_ matrix: Matrix<Scalar>) {
        precondition(matrix.rows == matrix.columns, "DenseSymmetricOperator needs a square matrix")
        self.matrix = matrix
    }
    public var dimension: Int { matrix.rows }
    public mutating func apply(_ v: [Scalar], into result: inout [Scalar]) {
        multiply(matrix, v, into: &result)
    }
}
