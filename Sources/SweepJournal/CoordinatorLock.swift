import Foundation
import Synchronization

/// The OS half of journal ownership: an exclusive, non-blocking `flock` on `<journal>.lock`.
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

    /// Takes the lock, or returns nil when another open file description holds it.
    static func acquire(path: String) throws(JournalError) -> CoordinatorLock? {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .lockFile(path: path, call: "open", errno: errno) }
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
            return CoordinatorLock(path: path, descriptor: descriptor)
        }
        let failure = errno
        close(descriptor)
        if failure == EWOULDBLOCK { return nil }
        throw .lockFile(path: path, call: "flock", errno: failure)
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
