import LinearAlgebra

/// The [N, N] matrix of a symmetric operator, built from N products A·eᵢ (row i = A·eᵢ, which is
/// column i as well since A is symmetric). Costs N operator applications and N² storage: for
/// tests and small problems only. The operator is applied through a copy of `op`.
public func explicitMatrix<Op: SymmetricOperator>(of op: Op) -> Matrix<Op.Scalar> {
    var op = op
    let n = op.dimension
    var matrix = Matrix<Op.Scalar>(rows: n, columns: n)
    var unit = [Op.Scalar](repeating: 0, count: n)
    var image = [Op.Scalar](repeating: 0, count: n)
    for i in 0..<n {
        unit[i] = 1
        op.apply(unit, into: &image)
        precondition(image.count == n, "explicitMatrix: the operator returned \(image.count) entries for dimension \(n)")
        matrix.storage.replaceSubrange((i * n)..<((i + 1) * n), with: image)
        unit[i] = 0
    }
    return matrix
}
