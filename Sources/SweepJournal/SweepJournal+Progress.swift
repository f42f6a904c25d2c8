import GRDB

/// The running tasks' progress: written by the coordinator every few seconds, read by `eos status`.
extension SweepJournal {
    /// Replaces the stored progress with `progress` (one row per running task) in one transaction,
    /// and drops the rows of tasks that are no longer leased under the lease they name.
    public func recordProgress(_ progress: [TaskProgress]) throws(JournalError) {
        try write { db in
            for p in progress {
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO progress (task_key, lease_id, worker, step, total_steps, phase, loss,
                            sharpness, steps_per_second, updated)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        p.taskKey, p.leaseID, p.worker, p.step, p.totalSteps, p.phase, p.loss, p.sharpness,
                        p.stepsPerSecond, p.updated,
                    ])
            }
            try db.execute(
                sql: """
                    DELETE FROM progress WHERE NOT EXISTS (
                        SELECT 1 FROM task WHERE key = progress.task_key AND state = 'leased' AND lease_id = progress.lease_id)
                    """)
        }
    }

    /// The progress of the tasks leased now, under their current lease, in grid order; empty for
    /// a journal older than the progress table (schema version 3).
    public func runningProgress() throws(JournalError) -> [TaskProgress] {
        try read { db in
            guard try db.tableExists("progress") else { return [] }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT p.* FROM progress AS p JOIN task AS t ON t.key = p.task_key
                    WHERE t.state = 'leased' AND t.lease_id = p.lease_id ORDER BY t.ordinal, t.key
                    """
            ).map { row in
                TaskProgress(
                    taskKey: row["task_key"], leaseID: row["lease_id"], worker: row["worker"], step: row["step"],
                    totalSteps: row["total_steps"], phase: row["phase"], loss: row["loss"], sharpness: row["sharpness"],
                    stepsPerSecond: row["steps_per_second"], updated: row["updated"])
            }
        }
    }
}
