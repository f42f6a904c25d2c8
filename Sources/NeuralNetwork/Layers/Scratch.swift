import LinearAlgebra

/// A buffer the layers of one loss share for transient work (a convolution's patch matrix),
/// grown on demand and reused: layers run one at a time, and no pointer into it outlives the
/// call that asked for it.
final class Scratch<T: BLASScalar> {
    /// The entries a layer should aim to need at once (16 MB of Double): it bounds chunk sizes.
    static var budget: Int { 1 << 21 }
    private var storage: Workspace<T> = Workspace(count: 0)

    /// At least `count` entries; their contents are unspecified.
    func buffer(count: Int) -> UnsafeMutablePointer<T> {
        if storage.count < count { storage = Workspace(count: count) }
        return storage.pointer
    }
}
