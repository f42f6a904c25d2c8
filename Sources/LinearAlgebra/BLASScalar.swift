import CBLAS
import RealModule

/// A floating-point type the engine computes in: `Float` or `Double`.
///
/// Every matrix product, matrix–vector product, dot product and norm goes through the
/// CBLAS routine of the matching precision (`s…` or `d…`); symmetric eigendecompositions
/// go through LAPACK's `?syev`. Elementwise math uses `RealModule`'s `Real` functions.
public protocol BLASScalar: Real, BinaryFloatingPoint, Sendable, Codable
where RawSignificand: FixedWidthInteger {
    /// Short name used in files and logs: `float32` or `float64`.
    static var precisionName: String { get }

    /// C ← α·op(A)·op(B) + β·C, row-major; op(A): [m, k], op(B): [k, n], C: [m, n].
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// y ← α·op(A)·x + β·y, row-major A: [m, n].
    static func gemv(
        transpose: Bool, m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
        x: UnsafePointer<Self>, beta: Self, y: UnsafeMutablePointer<Self>)

    static func dot(_ count: Int, _ x: UnsafePointer<Self>, _ y: UnsafePointer<Self>) -> Self
    /// y ← α·x + y
    static func axpy(_ count: Int, _ alpha: Self, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>)
    static func nrm2(_ count: Int, _ x: UnsafePointer<Self>) -> Self
    /// x ← α·x
    static func scal(_ count: Int, _ alpha: Self, _ x: UnsafeMutablePointer<Self>)

    /// result[i] ← tanh(x[i]) for i < count, vectorised (see `VectorTanh.swift`); `result` may be `x`.
    static func vectorTanh(_ x: UnsafePointer<Self>, into result: UnsafeMutablePointer<Self>, count: Int)

    /// LAPACK `?syev` with eigenvectors: on return `a` ([n, n], symmetric) holds the
    /// eigenvectors as its rows (row i belongs to `w[i]`), `w` the eigenvalues ascending.
    /// Returns LAPACK's `info` (0 on success).
    static func syev(n: Int, a: UnsafeMutablePointer<Self>, w: UnsafeMutablePointer<Self>) -> Int
}

extension Double: BLASScalar {
    public static var precisionName: String { "float64" }

    @inlinable public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    @inlinable public static func gemv(
        transpose: Bool, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>
    ) {
        cblas_dgemv(
            CblasRowMajor, transpose ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    @inlinable public static func dot(_ count: Int, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
        cblas_ddot(Int32(count), x, 1, y, 1)
    }

    @inlinable public static func axpy(_ count: Int, _ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        cblas_daxpy(Int32(count), alpha, x, 1, y, 1)
    }

    @inlinable public static func nrm2(_ count: Int, _ x: UnsafePointer<Double>) -> Double {
        cblas_dnrm2(Int32(count), x, 1)
    }

    @inlinable public static func scal(_ count: Int, _ alpha: Double, _ x: UnsafeMutablePointer<Double>) {
        cblas_dscal(Int32(count), alpha, x, 1)
    }

    public static func syev(n: Int, a: UnsafeMutablePointer<Double>, w: UnsafeMutablePointer<Double>) -> Int {
        var n32 = Int32(n), lwork: Int32 = -1, info: Int32 = 0
        var query = 0.0
        dsyev_("V", "U", &n32, a, &n32, w, &query, &lwork, &info, 1, 1)
        lwork = Int32(query)
        var work = [Double](repeating: 0, count: Swift.max(1, Int(lwork)))
        dsyev_("V", "U", &n32, a, &n32, w, &work, &lwork, &info, 1, 1)
        return Int(info)
    }
}

extension Float: BLASScalar {
    public static var precisionName: String { "float32" }

    @inlinable public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    @inlinable public static func gemv(
        transpose: Bool, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemv(
            CblasRowMajor, transpose ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    @inlinable public static func dot(_ count: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        cblas_sdot(Int32(count), x, 1, y, 1)
    }

    @inlinable public static func axpy(_ count: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        cblas_saxpy(Int32(count), alpha, x, 1, y, 1)
    }

    @inlinable public static func nrm2(_ count: Int, _ x: UnsafePointer<Float>) -> Float {
        cblas_snrm2(Int32(count), x, 1)
    }

    @inlinable public static func scal(_ count: Int, _ alpha: Float, _ x: UnsafeMutablePointer<Float>) {
        cblas_sscal(Int32(count), alpha, x, 1)
    }

    public static func syev(n: Int, a: UnsafeMutablePointer<Float>, w: UnsafeMutablePointer<Float>) -> Int {
        var n32 = Int32(n), lwork: Int32 = -1, info: Int32 = 0
        var query: Float = 0
        ssyev_("V", "U", &n32, a, &n32, w, &query, &lwork, &info, 1, 1)
        lwork = Int32(query)
        var work = [Float](repeating: 0, count: Swift.max(1, Int(lwork)))
        ssyev_("V", "U", &n32, a, &n32, w, &work, &lwork, &info, 1, 1)
        return Int(info)
    }
}
