import Foundation
import TestSupport
import Testing
@testable import SweepJournal

/// The running tasks' progress (`progress` table) and the ETA from step rates.
@Suite struct ProgressTableTests {
    @Test("stored progress is read back for leased tasks under their current lease only")
    func progressRoundTripsAndGoesWithItsLease() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        try journal.synchronize([1, 2, 3])
        let a = try #require(try journal.lease(worker: "w1", now: 1, leaseDuration: 10))
        let b = try #require(try journal.lease(worker: "w2", now: 1, leaseDuration: 10))
        #expect(a.gridJSON == #"{"train.lr":1}"#)
        let pa = TaskProgress(
            taskKey: a.taskKey, leaseID: a.leaseID, worker: "w1", step: 40, totalSteps: 100, phase: "gd", loss: 0.5,
            sharpness: 3.75, stepsPerSecond: 20, updated: 3)
        let pb = TaskProgress(taskKey: b.taskKey, leaseID: b.leaseID, worker: "w2", step: 0, totalSteps: 10, phase: "track", updated: 3)
        try journal.recordProgress([pa, pb])
        let reader = try SweepJournal.openReadOnly(path: folder.journalPath)
        #expect(try reader.runningProgress() == [pa, pb])
        #expect(pa.secondsRemaining == 3 && pa.secondsPerTask == 5 && pb.secondsRemaining == nil)
        // The task ends: its row no longer counts, and the next write drops it.
        _ = try journal.complete(taskKey: a.taskKey, leaseID: a.leaseID, summaryJSON: "{}", files: [:], resumed: false, now: 4)
        #expect(try reader.runningProgress() == [pb])
        try journal.recordProgress([])
        #expect(try journal.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM progress") } == 1)
        _ = try journal.giveBack(taskKey: b.taskKey, leaseID: b.leaseID, reason: "SIGTERM", now: 5)
        try journal.recordProgress([])
        #expect(try journal.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM progress") } == 0)
        try journal.close(now: 6)
    }

    @Test("a version-2 journal (no progress table) is read, and migrated by a coordinator")
    func versionTwoJournals() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let journal = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 0)
        try journal.synchronize([1])
        // What version 2 was: no progress table (and none of what versions 4 and 5 added, with
        // the index version 6 dropped).
        try journal.write { db in
            try db.execute(sql: versionSixSQL)
            try db.execute(sql: "CREATE INDEX event_by_task ON event (task_key)")
            try db.execute(sql: "DROP TABLE progress")
            try db.execute(sql: "ALTER TABLE lease DROP COLUMN session")
            try db.execute(sql: "DROP TABLE task_file")
            try db.execute(sql: "ALTER TABLE sweep DROP COLUMN task_root")
            try db.execute(sql: "PRAGMA user_version = 2")
        }
        try journal.close(now: 1)
        #expect(try SweepJournal.openReadOnly(path: folder.journalPath).runningProgress().isEmpty)
        let migrated = try SweepJournal.openAsCoordinator(path: folder.journalPath, now: 2)
        #expect(try migrated.read { db in try db.tableExists("progress") })
        #expect(try migrated.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == Schema.version)
        try migrated.close(now: 3)
    }

    func running(_ step: Int, of total: Int, rate: Double?) -> TaskProgress {
        TaskProgress(
            taskKey: "", leaseID: "", worker: "", step: step, totalSteps: total, phase: "gd", stepsPerSecond: rate, updated: 0)
    }

    @Test("the ETA from step rates: running remainders, queued tasks at the task duration, shared by the workers")
    func etaFromStepRates() {
        // Two tasks running at 10 steps/s with 50 and 100 steps to go, 2 queued of 100 steps
        // (10 s each by the running rates), 2 workers: (5 + 10 + 2·10)/2 = 17.5 s.
        let two = [running(50, of: 100, rate: 10), running(0, of: 100, rate: 10)]
        #expect(Progress(averageTaskDuration: nil, queued: 2, running: two, leased: 2, workers: 2).estimatedTimeRemaining == 17.5)
        // A measured average duration of done tasks wins for the queued ones: (5 + 10 + 2·30)/2.
        #expect(Progress(averageTaskDuration: 30, queued: 2, running: two, leased: 2, workers: 2).estimatedTimeRemaining == 37.5)
        // Never less than the longest running remainder.
        #expect(
            Progress(averageTaskDuration: nil, queued: 0, running: [running(0, of: 1000, rate: 10)], leased: 1, workers: 8)
                .estimatedTimeRemaining == 100)
        // No rate and no finished task yet: unknown; nothing left: 0.
        #expect(
            Progress(averageTaskDuration: nil, queued: 3, running: [running(5, of: 100, rate: nil)], leased: 1, workers: 1)
                .estimatedTimeRemaining == nil)
        #expect(Progress(averageTaskDuration: nil, queued: 0, running: [], leased: 0, workers: 1).estimatedTimeRemaining == 0)
        // A running task without a rate counts a whole task.
        #expect(
            Progress(averageTaskDuration: 20, queued: 0, running: [running(5, of: 100, rate: nil)], leased: 1, workers: 1)
                .estimatedTimeRemaining == 20)
    }
}
