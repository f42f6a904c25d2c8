/// A fixed-size buffer the loss allocates once and reuses across passes, so that repeated
/// gradients and Hessian-vector products do not allocate. Owned by one `FullBatchLoss`; the
/// pointer never escapes it.
final class Workspace<T: BinaryFloatingPoint> {
    let pointer: UnsafeMutablePointer<T>
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: Swift.max(count, 1))
        pointer.initialize(repeating: 0, count: Swift.max(count, 1))
    }

    deinit { pointer.deallocate() }

    var buffer: UnsafeMutableBufferPointer<T> { UnsafeMutableBufferPointer(start: pointer, count: count) }
    var readOnly: UnsafeBufferPointer<T> { UnsafeBufferPointer(start: pointer, count: count) }
}
