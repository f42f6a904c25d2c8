import LinearAlgebra

/// `nn.MaxPool2d(2)`: the largest entry of each 2×2 window, stride 2, floor mode.
/// Channels-last x [n, H, W, C] → y [n, ⌊H/2⌋, ⌊W/2⌋, C]. The forward pass records each
/// window's winner — the first maximum in row-major window order, as PyTorch picks it — and
/// from then on the layer is the linear selection y = x[winner] (derivatives where they exist,
/// the branch PyTorch's double and triple backward take); Pᵀ routes dy to the winner.
final class MaxPool2d<T: BLASScalar>: LinearLayer {
    typealias Scalar = T
    let examples: Int
    let input: ImageShape
    let output: ImageShape
    var inputSize: Int { input.count }
    var outputSize: Int { output.count }
    /// For every output entry, the index of its winner within the example's input.
    private var winners: [Int32]

    init(examples: Int, input: ImageShape) {
        self.examples = examples
        self.input = input
        self.output = ImageShape(channels: input.channels, height: input.height / 2, width: input.width / 2)
        winners = [Int32](repeating: 0, count: examples * output.count)
    }

    /// Order 0 chooses the winners; the Taylor passes reuse them.
    func forward(_ p: ParameterJets<T>, x: UnsafePointer<T>, y: UnsafeMutablePointer<T>) {
        chooseWinners(x)
        apply(x, into: y)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    private func chooseWinners(_ x: UnsafePointer<T>) {
        let c = input.channels, w = input.width
        winners.withUnsafeMutableBufferPointer { win in
            for i in 0..<examples {
                let xi = x + i * input.count
                for a in 0..<output.height {
                    for b in 0..<output.width {
                        let out = (i * output.height * output.width + a * output.width + b) * c
                        for ch in 0..<c {
                            // The window in row-major order: (0,0), (0,1), (1,0), (1,1).
                            let first = ((2 * a) * w + 2 * b) * c + ch
                            var best = first
                            for candidate in [first + c, first + w * c, first + w * c + c] where xi[candidate] > xi[best] {
                                best = candidate
                            }
                            win[out + ch] = Int32(best)
                        }
                    }
                }
            }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func apply(_ x: UnsafePointer<T>, into y: UnsafeMutablePointer<T>) {
        winners.withUnsafeBufferPointer { win in
            for i in 0..<examples {
                let xi = x + i * input.count, base = i * output.count
                for e in 0..<output.count { y[base + e] = xi[Int(win[base + e])] }
            }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func adjoint(_ dy: UnsafePointer<T>, into dx: UnsafeMutablePointer<T>, accumulate: Bool) {
        if !accumulate { dx.update(repeating: 0, count: inputCount) }
        winners.withUnsafeBufferPointer { win in
            for i in 0..<examples {
                let dxi = dx + i * input.count, base = i * output.count
                for e in 0..<output.count { dxi[Int(win[base + e])] += dy[base + e] }
            }
        }
    }
}
