import Foundation

/// `(0..<count).map(transform)` computed on every core: the indices are split into contiguous
/// chunks (a few per core, so uneven ones even out), each chunk runs on one thread of
/// `DispatchQueue.concurrentPerform`, and the results come back in index order. For work whose
/// items are independent and cost about the same, like the points of a sweep's grid.
enum ParallelGrid {
    static func map<T: Sendable>(count: Int, _ transform: @Sendable (Int) -> T) -> [T] {
        guard count > 1 else { return (0..<count).map(transform) }
        let chunks = Swift.min(count, 4 * ProcessInfo.processInfo.activeProcessorCount)
        let slots = Slots<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            for index in (count * chunk / chunks)..<(count * (chunk + 1) / chunks) {
                slots.store(transform(index), at: index)
            }
        }
        return slots.values()
    }

    /// One slot per index, each written by exactly one thread before `values()` reads them all
    /// (after `concurrentPerform` has returned): no two threads touch one slot.
    private final class Slots<T: Sendable>: @unchecked Sendable {
        private let storage: UnsafeMutablePointer<T?>
        private let count: Int

        init(count: Int) {
            self.count = count
            storage = .allocate(capacity: count)
            storage.initialize(repeating: nil, count: count)
        }

        deinit {
            storage.deinitialize(count: count)
            storage.deallocate()
        }

        func store(_ value: T, at index: Int) { storage[index] = value }

        func values() -> [T] { (0..<count).map { storage[$0]! } }
    }
}
