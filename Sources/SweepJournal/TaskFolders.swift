import Configuration
import Foundation

/// The task folders of a sweep: `<root>/tasks/<task key>/<file name>`, where a worker that shares
/// the file system runs its task and where the coordinator writes the files a RESULT carries
/// (docs/ARCHITECTURE.md §6). The journal records each file's SHA-256 and size; the files
/// themselves live here, so the journal holds summaries and state, not gigabytes of CSV.
public struct TaskFolders: Sendable, Equatable {
    /// The folder that holds `tasks/`: the sweep's `--out`.
    public let root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }

    /// `<root>/tasks/<taskKey>`.
    public func folder(taskKey: String) -> URL {
        root.appendingPathComponent("tasks", isDirectory: true).appendingPathComponent(taskKey, isDirectory: true)
    }

    /// Puts `files` (plain names → text) into the task's folder: a file that is there already with
    /// the same content (the worker wrote it, sharing the file system) is left alone, any other is
    /// written to a temporary name and renamed over, so a reader never sees half a file. Not
    /// fsynced: a power cut may lose the newest files, whose recorded hash then tells them missing.
    /// Returns what the journal records of each.
    func store(taskKey: String, files: [String: String]) throws(JournalError) -> [String: StoredFile] {
        let folder = folder(taskKey: taskKey).path
        var stored: [String: StoredFile] = [:]
        var madeFolder = false
        for name in files.keys.sorted() {
            let bytes = Data(files[name]!.utf8)
            let record = StoredFile(sha256: SHA256.hexDigest(bytes), bytes: bytes.count)
            stored[name] = record
            let target = folder + "/" + name
            var info = stat()
            if stat(target, &info) == 0, Int(info.st_size) == bytes.count, let existing = FileManager.default.contents(atPath: target),
                SHA256.hexDigest(existing) == record.sha256
            {
                continue
            }
            if !madeFolder {
                try Self.makeFolder(folder)
                madeFolder = true
            }
            let temporary = folder + "/.\(name).\(UUID().uuidString.prefix(8)).partial"
            guard FileManager.default.createFile(atPath: temporary, contents: bytes) else {
                throw .taskFiles(path: target, reason: "cannot create \(temporary)")
            }
            guard rename(temporary, target) == 0 else {
                let error = String(cString: strerror(errno))
                unlink(temporary)
                throw .taskFiles(path: target, reason: "rename: \(error)")
            }
        }
        return stored
    }

    /// mkdir(2) of a task folder, and of its parents the first time (`<root>/tasks`).
    private static func makeFolder(_ path: String) throws(JournalError) {
        if mkdir(path, 0o755) == 0 || errno == EEXIST { return }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .taskFiles(path: path, reason: error.localizedDescription)
        }
    }

    /// The text of a stored file when it is there with the recorded content; nil when it is
    /// missing or differs (another run wrote over it, or it never reached the disk).
    public func read(taskKey: String, name: String, expected: StoredFile) -> String? {
        let path = folder(taskKey: taskKey).appendingPathComponent(name).path
        guard let data = FileManager.default.contents(atPath: path), data.count == expected.bytes,
            SHA256.hexDigest(data) == expected.sha256
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

/// What the journal records of a task file: its content hash and size.
public struct StoredFile: Equatable, Sendable {
    /// 64 lowercase hex digits.
    public var sha256: String
    public var bytes: Int

    public init(sha256: String, bytes: Int) {
        self.sha256 = sha256
        self.bytes = bytes
    }
}
