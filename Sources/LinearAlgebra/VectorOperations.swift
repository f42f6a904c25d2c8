/// Level-1 BLAS on flat vectors (`[T]` of equal length): the operations every algorithm of
/// Curvature and Dynamics is written in.

/// x · y
@inlinable
public func dot<T: BLASScalar>(_ x: [T], _ y: [T]) -> T {
    precondition(x.count == y.count, "dot: lengths \(x.count) and \(y.count) differ")
    if x.isEmpty { return 0 }
    return x.withUnsafeBufferPointer { px in
        y.withUnsafeBufferPointer { py in T.dot(x.count, px.baseAddress!, py.baseAddress!) }
    }
}

/// ‖x‖₂ (BLAS `?nrm2`, scaled so it neither overflows nor underflows).
@inlinable
public func norm<T: BLASScalar>(_ x: [T]) -> T {
    if x.isEmpty { return 0 }
    return x.withUnsafeBufferPointer { T.nrm2(x.count, $0.baseAddress!) }
}

/// y ← α·x + y
@inlinable
public func axpy<T: BLASScalar>(_ alpha: T, _ x: [T], _ y: inout [T]) {
    precondition(x.count == y.count, "axpy: lengths \(x.count) and \(y.count) differ")
    if x.isEmpty { return }
    x.withUnsafeBufferPointer { px in
        y.withUnsafeMutableBufferPointer { py in T.axpy(x.count, alpha, px.baseAddress!, py.baseAddress!) }
    }
}

/// x ← α·x
@inlinable
public func scale<T: BLASScalar>(_ x: inout [T], by alpha: T) {
    if x.isEmpty { return }
    x.withUnsafeMutableBufferPointer { T.scal($0.count, alpha, $0.baseAddress!) }
}

/// x + α·y as a new vector.
@inlinable
public func adding<T: BLASScalar>(_ x: [T], _ alpha: T, _ y: [T]) -> [T] {
    var r = x
    axpy(alpha, y, &r)
    return r
}

/// x / ‖x‖ (x unchanged when it is zero).
@inlinable
public func normalized<T: BLASScalar>(_ x: [T]) -> [T] {
    let n = norm(x)
    guard n > 0 else { return x }
    var r = x
    scale(&r, by: 1 / n)
    return r
}

// MARK: - Several vectors at once, in cache-sized blocks

/// The length of the blocks the multi-vector operations below walk on one BLAS thread: 131072
/// entries (1 MB in Double) stay in cache while the other vectors stream past, so each vector is
/// read from memory once instead of once per operation. Measured on 20 vectors of N = 656,810
/// Doubles (one Gram–Schmidt pass): one thread 17.5 ms per vector at a time, 10.4 ms in blocks;
/// two threads 7.9 ms and 10.0 ms — OpenBLAS's threaded level-1 routines beat blocks of
/// single-threaded calls, so with more than one BLAS thread the operations go vector by vector.
@usableFromInline let vectorBlockLength = 131_072

/// The block length for vectors of `n` entries under the current BLAS thread count.
@usableFromInline func multiVectorBlock(_ n: Int) -> Int {
    BLASThreads.current > 1 ? Swift.max(n, 1) : vectorBlockLength
}

/// out[l] ← xₗ · y for l < count, xₗ = `vectors[l]` ([N] each, like y); `block` overrides the
/// block length (tests).
@inlinable
public func dots<T: BLASScalar>(_ vectors: [[T]], count: Int, with y: [T], into out: inout [T], block: Int? = nil) {
    precondition(count <= vectors.count && count <= out.count, "dots: \(count) products of \(vectors.count) vectors into \(out.count)")
    for l in 0..<count { precondition(vectors[l].count == y.count, "dots: vector \(l) has \(vectors[l].count) entries, y \(y.count)") }
    for l in 0..<count { out[l] = 0 }
    y.withUnsafeBufferPointer { py in
        var start = 0
        let block = block ?? multiVectorBlock(y.count)
        while start < y.count {
            let length = Swift.min(block, y.count - start)
            for l in 0..<count {
                out[l] += vectors[l].withUnsafeBufferPointer { T.dot(length, $0.baseAddress! + start, py.baseAddress! + start) }
            }
            start += length
        }
    }
}

/// y ← y + Σₗ αₗ·xₗ for l < count, xₗ = `vectors[l]` ([N] each, like y); entry by entry the
/// same arithmetic as `count` calls of `axpy` in order. `block` overrides the block length (tests).
@inlinable
public func addCombination<T: BLASScalar>(_ alphas: [T], of vectors: [[T]], count: Int, into y: inout [T], block: Int? = nil) {
    precondition(count <= vectors.count && count <= alphas.count, "addCombination: \(count) terms of \(vectors.count) vectors")
    for l in 0..<count {
        precondition(vectors[l].count == y.count, "addCombination: vector \(l) has \(vectors[l].count) entries, y \(y.count)")
    }
    let n = y.count
    y.withUnsafeMutableBufferPointer { py in
        var start = 0
        let block = block ?? multiVectorBlock(n)
        while start < n {
            let length = Swift.min(block, n - start)
            for l in 0..<count {
                vectors[l].withUnsafeBufferPointer { T.axpy(length, alphas[l], $0.baseAddress! + start, py.baseAddress! + start) }
            }
            start += length
        }
    }
}
