import Foundation
import SweepJournal
import Testing
@testable import SweepReports

/// `eos report` on a journal whose sweep runs: a running task is drawn from the live trace.csv of
/// its folder beside the journal, up to its last whole line, and marked as running.
@Suite struct LiveReportTests {
    @Test func aRunningTaskIsDrawnFromItsLiveTraceAndMarked() throws {
        let folder = try ReportFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("journal.sqlite").path
        let journal = try SweepJournal.openAsCoordinator(path: path, now: 1000)
        let tasks = [(0.5, 1), (1.0, 2)].map { eta, i in
            (
                key: ReportFixtures.key(i), configJSON: ReportFixtures.config(eta: eta, width: 8, tracked: false),
                gridJSON: "{\"train.lr\":\(eta)}"
            )
        }
        _ = try journal.synchronize(sweepName: "live", specText: "", toolVersion: "test", tasks: tasks, now: 1000)
        let done = try #require(try journal.lease(worker: "w", now: 1001, leaseDuration: 60))
        _ = try journal.complete(
            taskKey: done.taskKey, leaseID: done.leaseID,
            summaryJSON: ReportFixtures.summary(eta: 0.5, status: "completed", eosStep: 15, ratio: 0.99, tracked: false),
            files: ["trace.csv": ReportFixtures.trace(eta: 0.5)], resumed: false, now: 1002)
        let running = try #require(try journal.lease(worker: "w", now: 1003, leaseDuration: 600))
        try journal.close(now: 1004)
        // The running task's folder: 11 whole rows and half of the next one.
        let lines = ReportFixtures.trace(eta: 1).split(separator: "\n")
        let live = lines[0...11].joined(separator: "\n") + "\n" + lines[12].prefix(4)
        let taskFolder = folder.appendingPathComponent("tasks/\(running.taskKey)")
        try FileManager.default.createDirectory(at: taskFolder, withIntermediateDirectories: true)
        try Data(live.utf8).write(to: taskFolder.appendingPathComponent("trace.csv"))

        let input = try ReportInput.load(path: path)
        let run = try #require(input.runs.first { $0.key == running.taskKey })
        #expect(run.isRunning && run.trace?.rowCount == 11 && run.summary == nil)
        let svg = try #require(try Report.make(source: path).figures.first { $0.name == "sharpness" }).svg
        #expect(svg.contains("(running: η = 1)"))
        // Without the folder (a remote worker's disk) the task has no curve, and no error.
        try FileManager.default.removeItem(at: taskFolder)
        #expect(try ReportInput.load(path: path).runs.first { $0.key == running.taskKey }?.trace == nil)
    }
}
