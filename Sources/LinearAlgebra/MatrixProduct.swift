/// C ← α·op(A)·op(B) + β·C through BLAS `?gemm`.
///
/// Shapes: op(A): [m, k], op(B): [k, n], C: [m, n], with op(X) = Xᵀ when `transposeX`.
/// C must already have shape [m, n] (it is not resized, so the hot loop does not allocate).
@inlinable
public func multiply<T: BLASScalar>(
    _ a: Matrix<T>, transposeA: Bool = false, _ b: Matrix<T>, transposeB: Bool = false,
    alpha: T = 1, beta: T = 0, into c: inout Matrix<T>
) {
    let m = transposeA ? a.columns : a.rows
    let k = transposeA ? a.rows : a.columns
    let kb = transposeB ? b.columns : b.rows
    let n = transposeB ? b.rows : b.columns
    precondition(k == kb, "multiply: inner dimensions differ (\(k) vs \(kb))")
    precondition(
        c.rows == m && c.columns == n,
        "multiply: output is [\(c.rows), \(c.columns)], expected [\(m), \(n)]")
    if m == 0 || n == 0 { return }
    if k == 0 {
        if beta == 0 {
            for i in c.storage.indices { c.storage[i] = 0 }
        } else if beta != 1 {
            for i in c.storage.indices { c.storage[i] *= beta }
        }
        return
    }
    a.storage.withUnsafeBufferPointer { pa in
        b.storage.withUnsafeBufferPointer { pb in
            c.storage.withUnsafeMutableBufferPointer { pc in
                T.gemm(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                    alpha: alpha, a: pa.baseAddress!, lda: a.columns,
                    b: pb.baseAddress!, ldb: b.columns,
                    beta: beta, c: pc.baseAddress!, ldc: n)
            }
        }
    }
}

/// Returns op(A)·op(B) as a new matrix (allocates; for set-up code and tests).
@inlinable
public func product<T: BLASScalar>(
    _ a: Matrix<T>, transposeA: Bool = false, _ b: Matrix<T>, transposeB: Bool = false
) -> Matrix<T> {
    var c = Matrix<T>(rows: transposeA ? a.columns : a.rows, columns: transposeB ? b.rows : b.columns)
    multiply(a, transposeA: transposeA, b, transposeB: transposeB, into: &c)
    return c
}

/// y ← α·op(A)·x + β·y through BLAS `?gemv`. A: [m, n]; x: [n] (or [m] transposed).
@inlinable
public func multiply<T: BLASScalar>(
    _ a: Matrix<T>, transpose: Bool = false, _ x: [T], alpha: T = 1, beta: T = 0, into y: inout [T]
) {
    precondition(x.count == (transpose ? a.rows : a.columns), "multiply: vector length \(x.count) does not fit [\(a.rows), \(a.columns)]")
    precondition(y.count == (transpose ? a.columns : a.rows), "multiply: output length \(y.count) does not fit")
    if a.rows == 0 || a.columns == 0 {
        for i in y.indices { y[i] = beta == 0 ? 0 : beta * y[i] }
        return
    }
    a.storage.withUnsafeBufferPointer { pa in
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                T.gemv(
                    transpose: transpose, m: a.rows, n: a.columns, alpha: alpha,
                    a: pa.baseAddress!, lda: a.columns, x: px.baseAddress!, beta: beta, y: py.baseAddress!)
            }
        }
    }
}
