import CBLAS

/// The number of threads OpenBLAS uses for every later call in this process.
public enum BLASThreads {
    public static func set(_ count: Int) {
        precondition(count >= 1, "BLAS thread count must be at least 1")
        openblas_set_num_threads(Int32(count))
    }
}
