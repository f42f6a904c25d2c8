import LinearAlgebra

/// `nn.Conv2d(cin, cout, k, stride, padding, bias)` on channels-last images:
/// x [n, H, W, cin] → y [n, Ho, Wo, cout], Ho = ⌊(H + 2·padding − k)/stride⌋ + 1 (Wo alike), with
/// W [cout, cin, k, k] row-major (PyTorch's layout) and b [cout]:
///   y[i, a, b, o] = b[o] + Σ_{c, p, q} W[o, c, p, q] · x[i, a·stride − padding + p, b·stride − padding + q, c]
/// (zero outside the image). Lowered to GEMMs by im2col: the patch matrix X̂ [n·Ho·Wo, k·k·cin]
/// (columns in (p, q, c) order, so that each kernel row of a patch is one contiguous run of
/// channels-last input) gives B(W, x) = X̂W̃ᵀ, B_Wᵀ(dy, x) = dyᵀX̂ and Bₓᵀ(W, dy) = col2im(dy·W̃),
/// with W̃ [cout, k, k, cin] the weights permuted from PyTorch's (c, p, q) order (and the
/// weight gradient permuted back). The Taylor rules are the bilinear ones (BilinearLayer.swift).
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
    /// W̃ of the current call, and the weight gradient in W̃'s order: [cout, k·k·cin] each.
    private let permuted: Workspace<T>, permutedGradient: Workspace<T>
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
        permuted = Workspace(count: outputChannels * input.channels * kernel * kernel)
        permutedGradient = Workspace(count: outputChannels * input.channels * kernel * kernel)
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
        let weights = permute(weights)
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
        let target = isPointwise ? gradient : permutedGradient.pointer
        for start in Swift.stride(from: 0, to: examples, by: chunk) {
            let m = Swift.min(chunk, examples - start)
            let patches = patchMatrix(x + start * input.count, examples: m)
            T.gemm(
                transposeA: true, transposeB: false, m: output.channels, n: patchLength, k: m * output.pixels,
                alpha: alpha, a: dy + start * output.count, lda: output.channels, b: patches, ldb: patchLength,
                beta: start == 0 ? (isPointwise ? beta : 0) : 1, c: target, ldc: patchLength)
        }
        if isPointwise { return }
        // gradient[o, c, p, q] ← G̃[o, p, q, c] + β·gradient[o, c, p, q]
        let c = input.channels, kk = kernel * kernel
        for o in 0..<output.channels {
            let row = gradient + o * patchLength, source = target + o * patchLength
            for pq in 0..<kk {
                for ch in 0..<c {
                    let g = source[pq * c + ch]
                    row[ch * kk + pq] = beta == 0 ? g : g + beta * row[ch * kk + pq]
                }
            }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func adjointInput(weights: UnsafePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>, alpha: T, beta: T) {
        precondition(beta == 0 || beta == 1, "Conv2d.adjointInput overwrites or accumulates")
        let weights = permute(weights)
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

    /// W̃[o, p, q, c] = W[o, c, p, q] in the layer's buffer (W itself for a pointwise convolution).
    private func permute(_ weights: UnsafePointer<T>) -> UnsafePointer<T> {
        if isPointwise { return weights }
        let c = input.channels, kk = kernel * kernel, out = permuted.pointer
        for o in 0..<output.channels {
            let row = weights + o * patchLength, target = out + o * patchLength
            for ch in 0..<c {
                for pq in 0..<kk { target[pq * c + ch] = row[ch * kk + pq] }
            }
        }
        return UnsafePointer(out)
    }

    /// X̂ of `m` examples starting at `x`: [m·Ho·Wo, k·k·cin] in the scratch buffer (or x itself
    /// for a pointwise convolution). Row (a, b), kernel row p holds the input pixels
    /// (a·stride − padding + p, b·stride − padding + q), q = 0..<k, each cin channels, zero outside.
    private func patchMatrix(_ x: UnsafePointer<T>, examples m: Int) -> UnsafePointer<T> {
        if isPointwise { return x }
        let patches = scratch.buffer(count: m * output.pixels * patchLength)
        let c = input.channels, k = kernel, run = kernel * input.channels
        var row = patches
        for i in 0..<m {
            let xi = x + i * input.count
            for a in 0..<output.height {
                for b in 0..<output.width {
                    let w0 = b * stride - padding
                    let inside = w0 >= 0 && w0 + k <= input.width
                    for p in 0..<k {
                        let h = a * stride - padding + p, target = row + p * run
                        if h < 0 || h >= input.height {
                            target.update(repeating: 0, count: run)
                        } else if inside {
                            target.update(from: xi + (h * input.width + w0) * c, count: run)
                        } else {
                            for q in 0..<k {
                                let w = w0 + q
                                if w >= 0 && w < input.width {
                                    (target + q * c).update(from: xi + (h * input.width + w) * c, count: c)
                                } else {
                                    (target + q * c).update(repeating: 0, count: c)
                                }
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
        let c = input.channels, k = kernel, run = kernel * input.channels
        var row = patches
        for i in 0..<m {
            let dxi = dx + i * input.count
            for a in 0..<output.height {
                for b in 0..<output.width {
                    let w0 = b * stride - padding
                    let first = Swift.max(0, -w0), last = Swift.min(k, input.width - w0)  // valid q: first..<last
                    for p in 0..<k {
                        let h = a * stride - padding + p
                        guard h >= 0 && h < input.height, first < last else { continue }
                        let target = dxi + (h * input.width + w0 + first) * c, source = row + p * run + first * c
                        for e in 0..<((last - first) * c) { target[e] += source[e] }
                    }
                    row += patchLength
                }
            }
        }
    }
}
