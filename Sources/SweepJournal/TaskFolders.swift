import Configuration
import Foundation
import Glibc

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

    /// What the journal records of each of `files` (plain names → text): its SHA-256 and size.
    static func records(of files: [String: String]) -> [String: StoredFile] {
        files.mapValues { text in
            let bytes = Data(text.utf8)
            return StoredFile(sha256: SHA256.hexDigest(bytes), bytes: bytes.count)
        }
    }

    /// Puts `files` (plain names → text, their ``records(of:)`` in `records`) into the task's
    /// folder. A file that is there already with the recorded content (the worker wrote it,
    /// sharing the file system) is left alone; any other is written in place with open(2) and
    /// write(2): no temporary file, because every reader checks the recorded hash, so a file cut
    /// short by a crash reads as missing, never as wrong. Not fsynced: a power cut may lose the
    /// newest files, which their recorded hashes then show missing; a result redelivered because
    /// its ACK never left restores them (``SweepJournal/complete``).
    func store(taskKey: String, files: [String: String], records: [String: StoredFile]) throws(JournalError) {
        let folder = folder(taskKey: taskKey).path
        var madeFolder = false
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            let target = folder + "/" + name
            if let record = records[name], Self.holds(target, record) { continue }
            if !madeFolder {
                try Self.makeFolder(folder)
                madeFolder = true
            }
            try Self.write(text, to: target)
        }
    }

    /// Whether `path` is there with the content `record` describes.
    private static func holds(_ path: String, _ record: StoredFile) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, Int(info.st_size) == record.bytes, let existing = FileManager.default.contents(atPath: path)
        else { return false }
        return SHA256.hexDigest(existing) == record.sha256
    }

    /// open(2) with O_TRUNC, write(2) of `text`'s UTF-8 (in place, no copy) until every byte is
    /// out, close(2).
    private static func write(_ text: String, to path: String) throws(JournalError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .taskFiles(path: path, reason: String(cString: strerror(errno))) }
        var failure: Int32 = 0
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += count
            }
        }
        if close(descriptor) != 0, failure == 0 { failure = errno }
        guard failure == 0 else { throw .taskFiles(path: path, reason: String(cString: strerror(failure))) }
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
