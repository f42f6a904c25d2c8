import Dispatch
import Synchronization

/// Writes a sweep's task files on a thread of its own, so that the coordinator's loop goes on
/// with a turn's next messages while the files of its first results reach their task folders
/// (docs/ARCHITECTURE.md §6). Making a folder and a file per task is the largest part of what a
/// result costs the coordinator; here it runs beside the journal's work instead of inside it.
/// Jobs run one at a time, in the order submitted; ``drain()`` waits for them all and throws the
/// first error one met, and ``SweepJournal/batch(_:)`` calls it before it commits, so a result is
/// never committed (nor ACKed) before its files are written.
final class TaskFileWriter: Sendable {
    private let queue = DispatchQueue(label: "eos.task-files")
    private let failure = Mutex<JournalError?>(nil)

    /// Queues the writing of `files` (with their `records`) into `folders`' folder of `taskKey`.
    func submit(_ folders: TaskFolders, taskKey: String, files: [String: String], records: [String: StoredFile]) {
        queue.async { [self] in
            do throws(JournalError) {
                try folders.store(taskKey: taskKey, files: files, records: records)
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
        }
    }

    /// Blocks until every job submitted so far has run; throws the first error a job met since
    /// the last drain.
    func drain() throws(JournalError) {
        queue.sync {}
        let error = failure.withLock { value in
            let first = value
            value = nil
            return first
        }
        if let error { throw error }
    }
}
