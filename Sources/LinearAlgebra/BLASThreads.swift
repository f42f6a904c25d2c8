import CBLAS

/// The number of threads OpenBLAS uses for every later call in this process.
public enum BLASThreads {
    public static func set(_ count: Int) {
        precondition(count >= 1, "BLAS thread count must be at least 1")
        openblas_set_num_threads(Int32(count))
    }

    /// The count in force (OpenBLAS's default: one per core, or `OPENBLAS_NUM_THREADS`).
    public static var current: Int { Int(openblas_get_num_threads()) }

    /// The thread count for a computation whose largest product takes `largestProductFLOPs`
    /// (2·m·n·k): 1 below 10⁸ FLOP — there OpenBLAS's threads cost more than they save (digits
    /// MLP: ~3× faster on one thread) —, else nil (OpenBLAS's default).
    public static func suggested(largestProductFLOPs: Double) -> Int? {
        largestProductFLOPs < 1e8 ? 1 : nil
    }
}
