import LinearAlgebra

/// `x.flatten(1)` of a channels-last image: [n, H, W, C] → [n, C·H·W] in PyTorch's CHW order,
/// y[i, c·H·W + s] = x[i, s·C + c] for pixel s; a permutation, so Pᵀ is its inverse.
final class Flatten<T: BLASScalar>: LinearLayer {
    typealias Scalar = T
    let examples: Int
    let input: ImageShape
    var inputSize: Int { input.count }
    var outputSize: Int { input.count }

    init(examples: Int, input: ImageShape) {
        self.examples = examples
        self.input = input
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func apply(_ x: UnsafePointer<T>, into y: UnsafeMutablePointer<T>) {
        let c = input.channels, s = input.pixels
        for i in 0..<examples {
            let xi = x + i * input.count, yi = y + i * input.count
            for p in 0..<s {
                for ch in 0..<c { yi[ch * s + p] = xi[p * c + ch] }
            }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func adjoint(_ dy: UnsafePointer<T>, into dx: UnsafeMutablePointer<T>, accumulate: Bool) {
        let c = input.channels, s = input.pixels
        for i in 0..<examples {
            let dxi = dx + i * input.count, dyi = dy + i * input.count
            for p in 0..<s {
                for ch in 0..<c {
                    if accumulate { dxi[p * c + ch] += dyi[ch * s + p] } else { dxi[p * c + ch] = dyi[ch * s + p] }
                }
            }
        }
    }
}
