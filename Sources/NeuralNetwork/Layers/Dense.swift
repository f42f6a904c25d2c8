import LinearAlgebra

/// `nn.Linear(inputs, outputs)`: y = xWᵀ + 1bᵀ with x [n, inputs], W [outputs, inputs]
/// (row-major, PyTorch's layout), b [outputs], y [n, outputs]. Its Taylor rules are the
/// bilinear ones (BilinearLayer.swift); here are B(W, x) = xWᵀ, Bₓᵀ(W, dy) = dy·W and
/// B_Wᵀ(dy, x) = dyᵀx, one GEMM each.
final class Dense<T: BLASScalar>: BilinearLayer {
    typealias Scalar = T
    let examples: Int
    let inputSize: Int
    let outputSize: Int
    let weightOffset: Int
    let biasOffset: Int?

    init(examples: Int, inputs: Int, outputs: Int, weightOffset: Int, biasOffset: Int?) {
        self.examples = examples
        self.inputSize = inputs
        self.outputSize = outputs
        self.weightOffset = weightOffset
        self.biasOffset = biasOffset
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func apply(weights: UnsafePointer<T>, x: UnsafePointer<T>, y: UnsafeMutablePointer<T>, alpha: T, beta: T) {
        T.gemm(
            transposeA: false, transposeB: true, m: examples, n: outputSize, k: inputSize, alpha: alpha,
            a: x, lda: inputSize, b: weights, ldb: inputSize, beta: beta, c: y, ldc: outputSize)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func adjointInput(weights: UnsafePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>, alpha: T, beta: T) {
        T.gemm(
            transposeA: false, transposeB: false, m: examples, n: inputSize, k: outputSize, alpha: alpha,
            a: dy, lda: outputSize, b: weights, ldb: inputSize, beta: beta, c: dx, ldc: inputSize)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func adjointWeights(dy: UnsafePointer<T>, x: UnsafePointer<T>, gradient: UnsafeMutablePointer<T>, alpha: T, beta: T) {
        T.gemm(
            transposeA: true, transposeB: false, m: outputSize, n: inputSize, k: examples, alpha: alpha,
            a: dy, lda: outputSize, b: x, ldb: inputSize, beta: beta, c: gradient, ldc: inputSize)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func broadcastBias(_ b: UnsafePointer<T>, into y: UnsafeMutablePointer<T>) {
        for i in 0..<examples { (y + i * outputSize).update(from: b, count: outputSize) }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func sumBias(_ dy: UnsafePointer<T>, into g: UnsafeMutablePointer<T>) {
        columnSums(dy, rows: examples, columns: outputSize, into: g)
    }
}
