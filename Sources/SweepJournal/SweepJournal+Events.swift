import GRDB

/// The audit log: every state change writes one event in its own transaction; the
/// coordinator may add its own.
extension SweepJournal {
    /// Appends `event` (its `id` is ignored and assigned by the journal).
    public func record(event: JournalEvent) throws(JournalError) {
        try write { db in try Self.insert(event, db) }
    }

    /// Events in the order they were recorded, those of one task when `taskKey` is given.
    public func events(taskKey: String? = nil) throws(JournalError) -> [JournalEvent] {
        try read { db in
            let sql = "SELECT id, time, kind, task_key, worker, detail FROM event"
            let rows =
                try taskKey.map {
                    try Row.fetchAll(db, sql: sql + " WHERE task_key = ? ORDER BY id", arguments: [$0])
                } ?? Row.fetchAll(db, sql: sql + " ORDER BY id")
            return rows.map {
                JournalEvent(
                    id: $0["id"], time: $0["time"], kind: JournalEvent.Kind(rawValue: $0["kind"]),
                    taskKey: $0["task_key"], worker: $0["worker"], detail: $0["detail"])
            }
        }
    }
}
