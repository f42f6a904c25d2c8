import Foundation

/// The CSV files of a run that grow while it runs (`trace.csv`, and `track.csv` of a tracked
/// run; docs/CONFIGURATION.md §5), so a partial run can be read and plotted at any time.
///
/// A file is started with its whole text so far — the header, and the rows a resumed run kept
/// from its checkpoint — written to a temporary and renamed into place, so rows that a stopped
/// run wrote after its checkpoint are dropped before they are computed again. Then the rows made
/// since are appended, whole lines in one write(2) each time, at most every `interval` seconds.
/// When the run ends, the caller writes each file whole (atomically) as before, so the final file
/// is byte for byte what a run without live files writes. A write that fails is warned about
/// once and ends the live copy of that file, not the run.
final class LiveFiles {
    private let directory: RunDirectory
    private let interval: Double
    private let warn: @Sendable (String) -> Void
    private var files: [String: Open] = [:]
    private var last = -Double.infinity

    private struct Open {
        /// The descriptor, opened for appending; -1 once a write failed.
        var descriptor: Int32
        /// UTF-8 bytes of the file's text on disk.
        var written: Int
    }

    init(directory: RunDirectory, interval: Double, warn: @escaping @Sendable (String) -> Void) {
        self.directory = directory
        self.interval = interval
        self.warn = warn
    }

    deinit {
        for file in files.values where file.descriptor >= 0 { close(file.descriptor) }
    }

    /// Whether `interval` seconds have passed since the last write (always true with `force`).
    private func isDue(force: Bool) -> Bool {
        let now = WallClock.now()
        guard force || now - last >= interval else { return false }
        last = now
        return true
    }

    /// Brings `trace.csv` (and `track.csv`, when given) on disk up to `trace` (`track`), the whole
    /// text of each so far, when a write is due. Cheap when none is: one clock read.
    func publish(trace: String, track: String? = nil, force: Bool = false) {
        guard isDue(force: force) else { return }
        sync("trace.csv", trace)
        if let track { sync("track.csv", track) }
    }

    private func sync(_ name: String, _ text: String) {
        guard var file = files[name] else {
            start(name, text)
            return
        }
        let utf8 = text.utf8
        guard file.descriptor >= 0, utf8.count > file.written else { return }
        let added = Array(utf8[utf8.index(utf8.startIndex, offsetBy: file.written)...])
        var offset = 0
        while offset < added.count {
            let n = added[offset...].withUnsafeBytes { write(file.descriptor, $0.baseAddress, $0.count) }
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                fail(name, &file, reason: String(cString: strerror(errno)))
                break
            }
        }
        file.written += offset
        files[name] = file
    }

    private func start(_ name: String, _ text: String) {
        var file = Open(descriptor: -1, written: 0)
        do {
            try directory.write(name, text: text)
            file.descriptor = open(directory.path(name), O_WRONLY | O_APPEND | O_CLOEXEC)
            if file.descriptor < 0 {
                fail(name, &file, reason: String(cString: strerror(errno)))
            } else {
                file.written = text.utf8.count
            }
        } catch {
            warn("live \(name) not written: \(error.description)")
        }
        files[name] = file
    }

    private func fail(_ name: String, _ file: inout Open, reason: String) {
        warn("live \(name) no longer written: \(directory.path(name)): \(reason)")
        if file.descriptor >= 0 { close(file.descriptor) }
        file.descriptor = -1
    }
}
