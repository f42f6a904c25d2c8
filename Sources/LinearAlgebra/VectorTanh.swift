import CVectorMath

/// tanh over a whole buffer: `CVectorMath/VectorTanh.c`, an expm1-based method vectorised for
/// the CPU's widest vector unit (libm's scalar `tanh` in a loop is ~10× slower and dominated the
/// gradient of tanh networks). At most 2 ulp; NaN stays NaN, ±∞ gives ±1; the same bits on
/// every CPU.
extension Float {
    @inlinable
    public static func vectorTanh(_ x: UnsafePointer<Float>, into result: UnsafeMutablePointer<Float>, count: Int) {
        eos_tanh_f32(x, result, count)
    }
}

extension Double {
    /// The Double version of `Float.vectorTanh(_:into:count:)`.
    @inlinable
    public static func vectorTanh(_ x: UnsafePointer<Double>, into result: UnsafeMutablePointer<Double>, count: Int) {
        eos_tanh_f64(x, result, count)
    }
}
