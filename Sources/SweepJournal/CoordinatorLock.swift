import Foundation
import Synchronization

/// The OS half of journal ownership: an exclusive, non-blocking `flock` on `<resolved journal>.lock`.
///
/// The lock file sits beside the journal's resolved file (symlinks followed, `realpath`), so
/// every name that reaches the journal through symlinks — a linked file or a linked folder —
/// finds the same lock, and a second coordinator opened through a symlink is refused like one
/// opened by the real path. (A hard link in another folder is a second name of the same inode
/// that no path resolution can see; do not hard-link journals.)
///
/// `flock` locks belong to an open file description, so a second `open` of the lock file
/// conflicts even inside the same process (POSIX `fcntl` record locks would not). The kernel
/// drops the lock when its holder dies, which is how a stale owner row is recognised.
final class CoordinatorLock: Sendable {
    let path: String
    private let descriptor: Mutex<Int32?>

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = Mutex(descriptor)
    }

    /// The lock file of `journal`: its resolved path + `.lock`. A journal that does not exist
    /// yet resolves through its folder.
    static func lockPath(journal: String) -> String {
        if let resolved = resolved(journal) { return resolved + ".lock" }
        let url = URL(fileURLWithPath: journal)
        let folder = url.deletingLastPathComponent().path
        guard let resolvedFolder = resolved(folder) else { return journal + ".lock" }
        return (resolvedFolder == "/" ? "" : resolvedFolder) + "/" + url.lastPathComponent + ".lock"
    }

    private static func resolved(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// Tries of `acquire`, 10 ms apart, while the lock is held (by a live coordinator, or briefly by `isHeld`).
    static let acquireAttempts = 20

    /// Takes the lock of `journal`, or returns nil when another open file description holds it.
    static func acquire(journal: String) throws(JournalError) -> CoordinatorLock? {
        let path = lockPath(journal: journal)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .lockFile(path: path, call: "open", errno: errno) }
        // `isHeld` (eos status) holds a shared lock for a moment: a coordinator starting just then
        // tries again for up to `acquireAttempts` × 10 ms before it takes the lock for taken.
        var failure: Int32 = 0
        for attempt in 0..<acquireAttempts {
            if attempt > 0 { usleep(10_000) }
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return CoordinatorLock(path: path, descriptor: descriptor) }
            failure = errno
            if failure != EWOULDBLOCK { break }
        }
        close(descriptor)
        if failure == EWOULDBLOCK { return nil }
        throw .lockFile(path: path, call: "flock", errno: failure)
    }

    /// Whether some process holds the lock of `journal` now: a shared `flock` that cannot be
    /// had. Creates nothing (no lock file: nobody holds it) and keeps nothing.
    static func isHeld(journal: String) throws(JournalError) -> Bool {
        let path = lockPath(journal: journal)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return false }
            throw .lockFile(path: path, call: "open", errno: errno)
        }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 { return false }
        if errno == EWOULDBLOCK { return true }
        throw .lockFile(path: path, call: "flock", errno: errno)
    }

    /// Releases the lock (closing the descriptor releases the `flock`); later calls do nothing.
    func release() {
        descriptor.withLock { descriptor in
            if let open = descriptor { close(open) }
            descriptor = nil
        }
    }

    deinit { release() }
}
