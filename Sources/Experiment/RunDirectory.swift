import Foundation

/// The folder one run writes (docs/CONFIGURATION.md §5). Every file is written to a
/// temporary name and renamed into place, so a reader never sees half a file and a killed run
/// leaves whole files only.
public struct RunDirectory: Sendable {
    public let url: URL

    /// Opens `path` for a new run: creates it if needed; refuses a non-empty folder unless `force`,
    /// in which case the previous run's files are removed first.
    public init(path: String, force: Bool) throws(ExperimentError) {
        url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .outputNotADirectory(path: path) }
            let contents = (try? fm.contentsOfDirectory(atPath: url.path)) ?? []
            if !contents.isEmpty {
                guard force else { throw .outputNotEmpty(path: path) }
                for name in contents { try? fm.removeItem(at: url.appendingPathComponent(name)) }
            }
        } else {
            do { try fm.createDirectory(at: url, withIntermediateDirectories: true) } catch {
                throw .cannotWrite(path: path, reason: error.localizedDescription)
            }
        }
    }

    /// Opens an existing run folder as it is (a resumed task keeps its checkpoint).
    public init(existing path: String) {
        url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Whether a stopped run left a checkpoint here (`checkpoint.safetensors` of a plain run,
    /// `checkpoint.json` of a tracked one).
    public var hasCheckpoint: Bool {
        ["checkpoint.safetensors", "checkpoint.json"].contains { FileManager.default.fileExists(atPath: path($0)) }
    }

    /// Writes `bytes` as `name` atomically: to a temporary file of a name no other process uses,
    /// then rename(2) over the target, so concurrent writers of the same file (workers filling a
    /// shared dataset cache) each leave a whole file and never fail on each other.
    public func write(_ name: String, bytes: [UInt8]) throws(ExperimentError) {
        let target = url.appendingPathComponent(name)
        let temporary = url.appendingPathComponent(".\(name).\(getpid()).\(UUID().uuidString.prefix(8)).partial")
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            try Data(bytes).write(to: temporary)
        } catch {
            // A write that failed part way (a full disk, a file size limit) leaves no temporary.
            try? FileManager.default.removeItem(at: temporary)
            throw .cannotWrite(path: target.path, reason: error.localizedDescription)
        }
        if rename(temporary.path, target.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .cannotWrite(path: target.path, reason: reason)
        }
    }

    /// Removes the temporaries `.<name>.<pid>.<tag>.partial` that a writer which no longer runs
    /// left here (it was killed between writing and renaming): a resumed run starts from whole
    /// files only. A temporary of a live process (a concurrent writer) is kept.
    public func removeStaleTemporaries() {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: url.path)) ?? [] where name.hasPrefix(".") && name.hasSuffix(".partial") {
            let fields = name.dropLast(".partial".count).split(separator: ".")
            guard fields.count >= 3, let pid = pid_t(fields[fields.count - 2]) else { continue }
            let alive = pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
            if !alive { try? fm.removeItem(atPath: path(name)) }
        }
    }

    public func write(_ name: String, text: String) throws(ExperimentError) {
        try write(name, bytes: Array(text.utf8))
    }
}
