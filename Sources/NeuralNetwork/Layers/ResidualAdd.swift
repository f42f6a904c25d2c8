import LinearAlgebra

/// The join of a residual block, y = a + b (main branch plus shortcut), [count] entries each.
/// Linear, so every Taylor coefficient adds alike, yₖ = aₖ + bₖ, and the backward hands dyₖ to
/// both inputs (accumulating where an input feeds several layers). A constant input (the
/// data) has no coefficients 1, 2: nil reads as zero.
enum ResidualAdd {
    @inline(__always)
    static func forward<T: BLASScalar>(
        _ a: UnsafePointer<T>?, _ b: UnsafePointer<T>?, into y: UnsafeMutablePointer<T>, count: Int
    ) {
        switch (a, b) {
        case (let a?, let b?): for e in 0..<count { y[e] = a[e] + b[e] }
        case (let a?, nil): y.update(from: a, count: count)
        case (nil, let b?): y.update(from: b, count: count)
        case (nil, nil): y.update(repeating: 0, count: count)
        }
    }

    /// dx (+)= dy for one input.
    @inline(__always)
    static func backward<T: BLASScalar>(
        _ dy: UnsafePointer<T>, into dx: UnsafeMutablePointer<T>, count: Int, accumulate: Bool
    ) {
        if accumulate {
            for e in 0..<count { dx[e] += dy[e] }
        } else {
            dx.update(from: dy, count: count)
        }
    }
}
