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
