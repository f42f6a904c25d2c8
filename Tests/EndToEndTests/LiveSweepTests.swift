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
        // Tasks far longer than the test (minutes even on an idle machine): the sweep is stopped
        // with SIGTERM once everything is seen, so the test takes as long as the machine needs.
        try scratch.write(
            "spec.toml",
            specification(configuration(steps: 3_000_000, n: 1000, width: 64, every: 2_000), grid: [#""model.seed" = [0, 1]"#]))
        let sweep = try Child(["sweep", "spec.toml", "--workers", "1", "--out", "out"], in: scratch.path, log: "sweep.log")
        defer { sweep.kill9() }
        let journal = scratch.path + "/out/journal.sqlite"
        #expect(waitUntil(seconds: 60) { ((try? openJournal(journal)?.counts().inGrid) ?? 0) == 2 })
        let watch = try Child(["status", "out/journal.sqlite", "--watch"], in: scratch.path, log: "watch.log")
        defer { watch.kill9() }

        var seen: String?
        // Two progress reports 5 s apart give the step rate; generous on a loaded machine.
        #expect(
            waitUntil(seconds: 180) {
                guard let status = try? eos(["status", "out/journal.sqlite"], in: scratch.path, seconds: 10) else { return false }
                let line = status.output.split(separator: "\n").first { $0.contains("model.seed=0 (") && $0.contains("/3000000") }
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
        func rows() -> Int { (try? String(contentsOfFile: trace, encoding: .utf8))?.split(separator: "\n").count ?? 0 }
        let first = rows()
        #expect(waitUntil(seconds: 30) { rows() > max(first, 2) })

        kill(sweep.pid, SIGTERM)
        #expect(sweep.wait(seconds: 60) == 143, "\(sweep.output)")
        usleep(1_500_000)
        watch.kill9()
        // Not a terminal: one timestamped line per change (and every 30 s).
        let lines = watch.output.split(separator: "\n")
        #expect(
            !lines.isEmpty && lines.allSatisfy { $0.range(of: #"^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"#, options: .regularExpression) != nil })
        #expect(lines.contains { $0.contains("done 0/2  running 1  queued 1") }, "\(watch.output)")
        // The sweep's own display and the logs: ISO 8601 times, tasks named by grid values.
        #expect(sweep.output.range(of: #"\[\d{4}-\d\d-\d\dT[^\]]*\] sweep e2e: done 0/2  running 1"#, options: .regularExpression) != nil)
        let log = try String(contentsOfFile: scratch.path + "/out/logs/coordinator.log", encoding: .utf8)
        #expect(log.range(of: #"\[\d{4}-\d\d-\d\dT[^\]]*\] task model\.seed=0 \([0-9a-f]{8}\) → "#, options: .regularExpression) != nil)
        let workerLog = try String(contentsOfFile: scratch.path + "/out/logs/worker-1.log", encoding: .utf8)
        #expect(workerLog.contains("task model.seed=0 (") && workerLog.contains("attempt 1"), "\(workerLog)")
    }

    @Test("eos status --watch on a finished sweep prints it and exits")
    func watchEndsWithTheSweep() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("spec.toml", specification(configuration(steps: 20), grid: [#""model.seed" = [0]"#]))
        let sweep = try eos(["sweep", "spec.toml", "--workers", "1", "--out", "out"], in: scratch.path)
        #expect(sweep.status == 0, "\(sweep.output)")
        let watch = try eos(["status", "out/journal.sqlite", "--watch"], in: scratch.path, seconds: 30)
        #expect(watch.status == 0, "\(watch.output)")
        let lines = watch.output.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("] sweep e2e: done 1/1  running 0  queued 0  failed 0  ETA 0:00; coordinator: "))
    }
}
