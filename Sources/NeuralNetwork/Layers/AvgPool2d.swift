import LinearAlgebra

/// `nn.AvgPool2d(2)`: the mean of each 2×2 window, stride 2, floor mode (an odd last row or
/// column is dropped). Channels-last x [n, H, W, C] → y [n, ⌊H/2⌋, ⌊W/2⌋, C]:
///   y[i, a, b, c] = ¼ Σ_{dy, dx ∈ {0,1}} x[i, 2a+dy, 2b+dx, c],
/// and Pᵀ spreads ¼·dy over the window (LinearLayer.swift has the Taylor rules).
final class AvgPool2d<T: BLASScalar>: LinearLayer {
    typealias Scalar = T
    let examples: Int
    let input: ImageShape
    let output: ImageShape
    var inputSize: Int { input.count }
    var outputSize: Int { output.count }

    init(examples: Int, input: ImageShape) {
        self.examples = examples
        self.input = input
        self.output = ImageShape(channels: input.channels, height: input.height / 2, width: input.width / 2)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func apply(_ x: UnsafePointer<T>, into y: UnsafeMutablePointer<T>) {
        let c = input.channels, w = input.width
        for i in 0..<examples {
            let xi = x + i * input.count, yi = y + i * output.count
            for a in 0..<output.height {
                for b in 0..<output.width {
                    let top = xi + ((2 * a) * w + 2 * b) * c, bottom = top + w * c
                    let out = yi + (a * output.width + b) * c
                    for ch in 0..<c { out[ch] = (top[ch] + top[c + ch] + bottom[ch] + bottom[c + ch]) * T(0.25) }
                }
            }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func adjoint(_ dy: UnsafePointer<T>, into dx: UnsafeMutablePointer<T>, accumulate: Bool) {
        if !accumulate { dx.update(repeating: 0, count: inputCount) }
        let c = input.channels, w = input.width
        for i in 0..<examples {
            let dxi = dx + i * input.count, dyi = dy + i * output.count
            for a in 0..<output.height {
                for b in 0..<output.width {
                    let top = dxi + ((2 * a) * w + 2 * b) * c, bottom = top + w * c
                    let g = dyi + (a * output.width + b) * c
                    for ch in 0..<c {
                        let q = g[ch] * T(0.25)
                        top[ch] += q
                        top[c + ch] += q
                        bottom[ch] += q
                        bottom[c + ch] += q
                    }
                }
            }
        }
    }
}
