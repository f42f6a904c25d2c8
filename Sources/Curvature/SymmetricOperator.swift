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

/// D A D for a symmetric operator A and a diagonal D = diag(`scale`), again symmetric: with
/// D = P^{-1/2} it is the preconditioned Hessian P^{-1/2} H P^{-1/2} of an adaptive optimizer,
/// whose eigenvalues are those of P⁻¹H (docs/THEORY.md §11).
public struct DiagonallyScaledOperator<Base: SymmetricOperator>: SymmetricOperator {
    public typealias Scalar = Base.Scalar
    public var base: Base
    /// The diagonal of D ([N]).
    public let scale: [Scalar]
    private var scaled: [Scalar]
    private var image: [Scalar]

    public init(_ base: Base, scale: [Scalar]) {
        precondition(scale.count == base.dimension, "DiagonallyScaledOperator: \(scale.count) scales for dimension \(base.dimension)")
        self.base = base
        self.scale = scale
        scaled = [Scalar](repeating: 0, count: scale.count)
        image = [Scalar](repeating: 0, count: scale.count)
    }

    public var dimension: Int { base.dimension }

    /// result ← D·A·(D·v)
    public mutating func apply(_ v: [Scalar], into result: inout [Scalar]) {
        for i in 0..<scale.count { scaled[i] = scale[i] * v[i] }
        base.apply(scaled, into: &image)
        for i in 0..<scale.count { result[i] = scale[i] * image[i] }
    }
}
