// `stdout` is a C global: preconcurrency, read on the main thread only.
@preconcurrency import Glibc
import Synchronization

/// The two standard streams as the commands use them. Standard error carries log lines,
/// warnings and progress: a write there never traps and a failed one is dropped (there is no
/// other place left to report it). Standard output carries a command's result through `output`
/// and `line` (stdio, flushed at once, so that a failed write is seen with its reason however
/// stdout is buffered); `outputFailure` tells whether any of it was lost, so that `eos` can end
/// with one line and exit status 1 instead of pretending success.
enum Console {
    /// Writes `text` to standard error with write(2), retrying short writes and EINTR, giving up
    /// silently on any other error (a full disk, a closed pipe).
    static func error(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if written > 0 {
                bytes = bytes.dropFirst(written)
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }

    /// Writes `text` to standard output (through stdio) and flushes it,
    /// so that a failure is noticed with its reason (`outputFailure`).
    static func output(_ text: String) {
        errno = 0
        fputs(text, stdout)
        fflush(stdout)
        _ = noteFailure(errno)
    }

    /// `text` and a newline on standard output (``output(_:)``).
    static func line(_ text: String) {
        output(text + "\n")
    }

    /// Flushes standard output; the reason when part of what was printed could not be written
    /// (e.g. "No space left on device"), else nil. Once failed, it keeps answering the first reason.
    static func outputFailure() -> String? {
        errno = 0
        fflush(stdout)
        return noteFailure(errno)
    }

    /// Records the first failure of standard output (its error flag set), with `code`'s reason.
    private static func noteFailure(_ code: Int32) -> String? {
        firstOutputFailure.withLock { first in
            if first == nil && ferror(stdout) != 0 { first = code != 0 ? String(cString: strerror(code)) : "write error" }
            return first
        }
    }

    private static let firstOutputFailure = Mutex<String?>(nil)
}
