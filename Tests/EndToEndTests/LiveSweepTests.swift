import Foundation
import SweepJournal
import Testing

@Suite(
    "watching a running sweep: eos status, its --watch, the live trace and the logs", .serialized,
    .enabled(if: EOSBinary.isAvailable, "the eos binary was not built next to the tests (swift build --build-tests)"))
struct LiveSweepTests {
    @Test("eos status names each running task by its grid values with worker, step/total, loss, S and an ETA")
    func statusShowsRunningTasks() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // Each task a few seconds in release, so the status sees it running.
        try scratch.write(
            "spec.toml", specification(configuration(steps: 120_000, every: 2_000), grid: [#""model.seed" = [0, 1]"#]))
        let sweep = try Child(["sweep", "spec.toml", "--workers", "1", "--out", "out"], in: scratch.path, log: "sweep.log")
        defer { sweep.kill9() }
        let journal = scratch.path + "/out/journal.sqlite"
        #expect(waitUntil(seconds: 30) { ((try? openJournal(journal)?.counts().inGrid) ?? 0) == 2 })
        let watch = try Child(["status", "out/journal.sqlite", "--watch"], in: scratch.path, log: "watch.log")
        defer { watch.kill9() }

        var seen: String?
        // Generous on a loaded machine: the first progress line comes after the worker's start-up.
        #expect(
            waitUntil(seconds: 180) {
                guard let status = try? eos(["status", "out/journal.sqlite"], in: scratch.path, seconds: 10) else { return false }
                let line = status.output.split(separator: "\n").first { $0.contains("model.seed=0 (") && $0.contains("/120000") }
                if let line, line.contains(" loss "), line.contains(" S "), line.contains("steps/s"), !status.output.contains("ETA --:--") {
                    seen = status.output
                    return true
                }
                return false
            })
        let output = try #require(seen, "no status line with a running task's progress")
        #expect(output.hasPrefix("sweep e2e: done 0/2  running 1  queued 1  failed 0  ETA "))
        #expect(output.contains("coordinator: pid \(sweep.pid)"))
        // The running task's trace.csv grows on disk while it runs.
        let task = try #require(try SweepJournal.openReadOnly(path: journal).tasks().first { $0.state == .leased })
        let trace = scratch.path + "/out/tasks/\(task.key)/trace.csv"
        #expect(
            waitUntil(seconds: 20) {
                ((try? String(contentsOfFile: trace, encoding: .utf8))?.split(separator: "\n").count ?? 0) > 2
            })

        #expect(sweep.wait(seconds: 120) == 0, "\(sweep.output)")
        #expect(watch.wait(seconds: 20) == 0, "\(watch.output)")
        // Not a terminal: one timestamped line per change, ending with the finished sweep.
        let lines = watch.output.split(separator: "\n")
        #expect(lines.allSatisfy { $0.range(of: #"^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"#, options: .regularExpression) != nil })
        #expect(lines.contains { $0.contains("done 2/2  running 0  queued 0  failed 0") }, "\(watch.output)")
        let bodies = lines.map { $0.drop { $0 != "]" } }
        #expect(zip(bodies, bodies.dropFirst()).allSatisfy { $0 != $1 })
        // The sweep's own display and its coordinator log: ISO 8601 times, tasks by grid values.
        #expect(sweep.output.contains("sweep e2e: done 2/2"))
        let log = try String(contentsOfFile: scratch.path + "/out/logs/coordinator.log", encoding: .utf8)
        #expect(log.range(of: #"\[\d{4}-\d\d-\d\dT[^\]]*\] task model\.seed=0 \([0-9a-f]{8}\) → "#, options: .regularExpression) != nil)
        let workerLog = try String(contentsOfFile: scratch.path + "/out/logs/worker-1.log", encoding: .utf8)
        #expect(workerLog.contains("task model.seed=1 (") && workerLog.contains(") done"))
    }
}
