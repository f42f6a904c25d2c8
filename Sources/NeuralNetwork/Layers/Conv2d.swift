import LinearAlgebra

/// `nn.Conv2d(cin, cout, k, stride, padding, bias)` on channels-last images:
/// x [n, H, W, cin] → y [n, Ho, Wo, cout], Ho = ⌊(H + 2·padding − k)/stride⌋ + 1 (Wo alike), with
/// W [cout, cin, k, k] row-major (PyTorch's layout) and b [cout]:
///   y[i, a, b, o] = b[o] + Σ_{c, p, q} W[o, c, p, q] · x[i, a·stride − padding + p, b·stride − padding + q, c]
/// (zero outside the image). Lowered to GEMMs by im2col: the patch matrix X̂ [n·Ho·Wo, cin·k·k]
/// (columns in W's (c, p, q) order) gives B(W, x) = X̂Wᵀ, B_Wᵀ(dy, x) = dyᵀX̂ and
/// Bₓᵀ(W, dy) = col2im(dy·W). The Taylor rules are the bilinear ones (BilinearLayer.swift).
/// Patches are built for a chunk of examples at a time in a shared scratch buffer, so memory
/// stays bounded for any n.
final class Conv2d<T: BLASScalar>: BilinearLayer {
    typealias Scalar = T
    let examples: Int
    let input: ImageShape
    let output: ImageShape
    let kernel: Int
    let stride: Int
    let padding: Int
    let weightOffset: Int
    let biasOffset: Int?
    private let scratch: Scratch<T>
    /// Examples whose patches fit the scratch budget at once.
    private let chunk: Int
    var inputSize: Int { input.count }
    var outputSize: Int { output.count }
    /// cin·k·k, a patch's length.
    private var patchLength: Int { input.channels * kernel * kernel }
    /// A 1×1 convolution with stride 1 and no padding reads x itself as its patch matrix.
    private var isPointwise: Bool { kernel == 1 && stride == 1 && padding == 0 }

    init(
        examples: Int, input: ImageShape, outputChannels: Int, kernel: Int, stride: Int, padding: Int,
        weightOffset: Int, biasOffset: Int?, scratch: Scratch<T>
    ) {
        self.examples = examples
        self.input = input
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.output = Conv2d.outputShape(input, channels: outputChannels, kernel: kernel, stride: stride, padding: padding)
        self.weightOffset = weightOffset
        self.biasOffset = biasOffset
        self.scratch = scratch
        let perExample = output.pixels * input.channels * kernel * kernel
        chunk = Swift.max(1, Swift.min(examples, Scratch<T>.budget / Swift.max(perExample, 1)))
    }

    /// The output shape of a k×k convolution with `channels` filters.
    static func outputShape(_ input: ImageShape, channels: Int, kernel: Int, stride: Int, padding: Int) -> ImageShape {
        ImageShape(
            channels: channels, height: (input.height + 2 * padding - kernel) / stride + 1,
            width: (input.width + 2 * padding - kernel) / stride + 1)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func apply(weights: UnsafePointer<T>, x: UnsafePointer<T>, y: UnsafeMutablePointer<T>, alpha: T, beta: T) {
        for start in Swift.stride(from: 0, to: examples, by: chunk) {
            let m = Swift.min(chunk, examples - start)
            let patches = patchMatrix(x + start * input.count, examples: m)
            T.gemm(
                transposeA: false, transposeB: true, m: m * output.pixels, n: output.channels, k: patchLength,
                alpha: alpha, a: patches, lda: patchLength, b: weights, ldb: patchLength, beta: beta,
                c: y + start * output.count, ldc: output.channels)
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func adjointWeights(dy: UnsafePointer<T>, x: UnsafePointer<T>, gradient: UnsafeMutablePointer<T>, alpha: T, beta: T) {
        for start in Swift.stride(from: 0, to: examples, by: chunk) {
            let m = Swift.min(chunk, examples - start)
            let patches = patchMatrix(x + start * input.count, examples: m)
            T.gemm(
                transposeA: true, transposeB: false, m: output.channels, n: patchLength, k: m * output.pixels,
                alpha: alpha, a: dy + start * output.count, lda: output.channels, b: patches, ldb: patchLength,
                beta: start == 0 ? beta : 1, c: gradient, ldc: patchLength)
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func adjointInput(weights: UnsafePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>, alpha: T, beta: T) {
        precondition(beta == 0 || beta == 1, "Conv2d.adjointInput overwrites or accumulates")
        for start in Swift.stride(from: 0, to: examples, by: chunk) {
            let m = Swift.min(chunk, examples - start)
            let rows = m * output.pixels
            let target = dx + start * input.count
            if isPointwise {
                T.gemm(
                    transposeA: false, transposeB: false, m: rows, n: patchLength, k: output.channels, alpha: alpha,
                    a: dy + start * output.count, lda: output.channels, b: weights, ldb: patchLength, beta: beta,
                    c: target, ldc: patchLength)
                continue
            }
            let patches = scratch.buffer(count: rows * patchLength)
            T.gemm(
                transposeA: false, transposeB: false, m: rows, n: patchLength, k: output.channels, alpha: alpha,
                a: dy + start * output.count, lda: output.channels, b: weights, ldb: patchLength, beta: 0,
                c: patches, ldc: patchLength)
            if beta == 0 { target.update(repeating: 0, count: m * input.count) }
            scatterPatches(patches, examples: m, into: target)
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func broadcastBias(_ b: UnsafePointer<T>, into y: UnsafeMutablePointer<T>) {
        for r in 0..<(examples * output.pixels) { (y + r * output.channels).update(from: b, count: output.channels) }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func sumBias(_ dy: UnsafePointer<T>, into g: UnsafeMutablePointer<T>) {
        columnSums(dy, rows: examples * output.pixels, columns: output.channels, into: g)
    }

    /// X̂ of `m` examples starting at `x`: [m·Ho·Wo, cin·k·k] in the scratch buffer (or x itself
    /// for a pointwise convolution).
    private func patchMatrix(_ x: UnsafePointer<T>, examples m: Int) -> UnsafePointer<T> {
        if isPointwise { return x }
        let patches = scratch.buffer(count: m * output.pixels * patchLength)
        let c = input.channels, k = kernel, kk = kernel * kernel
        var row = patches
        for i in 0..<m {
            let xi = x + i * input.count
            for a in 0..<output.height {
                for b in 0..<output.width {
                    for p in 0..<k {
                        let h = a * stride - padding + p
                        for q in 0..<k {
                            let w = b * stride - padding + q
                            let column = row + p * k + q
                            if h >= 0 && h < input.height && w >= 0 && w < input.width {
                                let source = xi + (h * input.width + w) * c
                                for ch in 0..<c { column[ch * kk] = source[ch] }
                            } else {
                                for ch in 0..<c { column[ch * kk] = 0 }
                            }
                        }
                    }
                    row += patchLength
                }
            }
        }
        return UnsafePointer(patches)
    }

    /// col2im: adds every patch entry back to the pixel it was read from (the adjoint of
    /// `patchMatrix`), for `m` examples starting at `dx`.
    private func scatterPatches(_ patches: UnsafePointer<T>, examples m: Int, into dx: UnsafeMutablePointer<T>) {
        let c = input.channels, k = kernel, kk = kernel * kernel
        var row = patches
        for i in 0..<m {
            let dxi = dx + i * input.count
            for a in 0..<output.height {
                for b in 0..<output.width {
                    for p in 0..<k {
                        let h = a * stride - padding + p
                        guard h >= 0 && h < input.height else { continue }
                        for q in 0..<k {
                            let w = b * stride - padding + q
                            guard w >= 0 && w < input.width else { continue }
                            let target = dxi + (h * input.width + w) * c, column = row + p * k + q
                            for ch in 0..<c { target[ch] += column[ch * kk] }
                        }
                    }
                    row += patchLength
                }
            }
        }
    }
}
