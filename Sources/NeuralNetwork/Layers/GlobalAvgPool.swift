import LinearAlgebra

/// `x.mean((2, 3))`: each channel's mean over the H·W pixels, channels-last [n, H, W, C] → [n, C]:
/// y[i, c] = (1/HW) Σ_s x[i, s, c]; Pᵀ spreads dy[i, c]/HW over the pixels.
final class GlobalAvgPool<T: BLASScalar>: LinearLayer {
    typealias Scalar = T
    let examples: Int
    let input: ImageShape
    var inputSize: Int { input.count }
    var outputSize: Int { input.channels }

    init(examples: Int, input: ImageShape) {
        self.examples = examples
        self.input = input
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func apply(_ x: UnsafePointer<T>, into y: UnsafeMutablePointer<T>) {
        let c = input.channels, s = input.pixels, scale = 1 / T(s)
        for i in 0..<examples {
            columnSums(x + i * input.count, rows: s, columns: c, into: y + i * c)
            for ch in 0..<c { y[i * c + ch] *= scale }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func adjoint(_ dy: UnsafePointer<T>, into dx: UnsafeMutablePointer<T>, accumulate: Bool) {
        let c = input.channels, s = input.pixels, scale = 1 / T(s)
        for i in 0..<examples {
            let dxi = dx + i * input.count
            for p in 0..<s {
                for ch in 0..<c {
                    let q = dy[i * c + ch] * scale
                    if accumulate { dxi[p * c + ch] += q } else { dxi[p * c + ch] = q }
                }
            }
        }
    }
}
