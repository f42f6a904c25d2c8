import Configuration
import Foundation
import SweepJournal
import TestSupport
import Testing

/// `eos sweep` supervises its worker processes: a dead worker is started again (bounded, with
/// back-off, logged), a task that kills every worker that takes it ends failed or stops the
/// sweep with a line naming it, and the journal stays resumable.
@Suite(
    "eos sweep restarts dead workers and gives up cleanly", .serialized,
    .enabled(if: EOSBinary.isAvailable, "the eos binary was not built next to the tests (swift build --build-tests)"))
struct WorkerSupervisionTests {
    @Test("kill -9 of the only worker: it is started again and the sweep completes")
    func killedWorkerIsRestarted() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("spec.toml", specification(configuration(steps: 20_000, every: 0), grid: [#""model.seed" = [0, 1]"#]))
        let sweep = try Child(["sweep", "spec.toml", "--workers", "1", "--out", "out"], in: scratch.path, log: "sweep.log")
        defer { sweep.kill9() }
        let journalPath = scratch.path + "/out/journal.sqlite"
        var victim: Int32?
        #expect(
            waitUntil(seconds: 30) {
                victim = ((try? openJournal(journalPath)?.tasks()) ?? []).first { $0.state == .leased }.flatMap { workerPID($0.worker) }
                return victim != nil
            })
        let pid = try #require(victim)
        #expect(children(of: sweep.pid).contains(pid))
        kill(pid, SIGKILL)
        #expect(sweep.wait(seconds: 120) == 0, "\(sweep.output)")
        #expect(sweep.output.contains("worker 1 (pid \(pid)) killed by signal 9"))
        #expect(sweep.output.contains("worker 1 started again"))
        let journal = try SweepJournal.openReadOnly(path: journalPath)
        #expect(try journal.counts().done == 2)
        #expect(try journal.events().contains { $0.kind.rawValue == "worker_died" })
    }

    @Test("a task that kills every worker that takes it ends failed after max_attempts; exit status 2 names it")
    func killerTaskEndsFailed() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(
            "spec.toml",
            specification(configuration(steps: 20_000, every: 0), grid: [#""model.seed" = [0, 1]"#])
                .replacingOccurrences(of: "liveness = 4\n", with: "liveness = 4\nmax_attempts = 2\n"))
        let sweep = try Child(["sweep", "spec.toml", "--workers", "1", "--out", "out"], in: scratch.path, log: "sweep.log")
        defer { sweep.kill9() }
        let killer = try killTask(seed: 0, of: sweep, journal: scratch.path + "/out/journal.sqlite", until: 120)
        #expect(sweep.wait(seconds: 5) == 2, "\(sweep.output)")
        #expect(killer.kills == 2)
        let line = try #require(sweep.output.split(separator: "\n").last)
        #expect(line.hasPrefix("eos: 1 of 2 tasks failed: \(killer.key.prefix(16)) (model.seed=0)"), "\(line)")
        let journal = try SweepJournal.openReadOnly(path: scratch.path + "/out/journal.sqlite")
        #expect(try journal.task(key: killer.key)?.state == .failed)
        #expect(try journal.counts().done == 1)
    }

    @Test("when every restart dies too, the sweep stops with a line naming the task, exit 1; the same command resumes")
    func restartBudgetExhausted() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(
            "spec.toml",
            specification(configuration(steps: 20_000, every: 0), grid: [#""model.seed" = [0]"#])
                .replacingOccurrences(of: "liveness = 4\n", with: "liveness = 4\nmax_attempts = 100\n"))
        let command = ["sweep", "spec.toml", "--workers", "1", "--out", "out"]
        let sweep = try Child(command, in: scratch.path, log: "sweep.log")
        defer { sweep.kill9() }
        let journalPath = scratch.path + "/out/journal.sqlite"
        let killer = try killTask(seed: 0, of: sweep, journal: journalPath, until: 180)
        #expect(sweep.wait(seconds: 5) == 1, "\(sweep.output)")
        #expect(killer.kills == 6)
        let line = try #require(sweep.output.split(separator: "\n").last)
        #expect(line.hasPrefix("eos: no worker can run"), "\(line)")
        #expect(line.contains("\(killer.key.prefix(16)) (model.seed=0)") && line.contains("run the same command to resume"))
        #expect(sweep.output.components(separatedBy: "started again").count - 1 == 5)
        #expect(try SweepJournal.openReadOnly(path: journalPath).task(key: killer.key)?.state != .failed)

        let again = try eos(command, in: scratch.path, seconds: 120)
        #expect(again.status == 0, "\(again.output)")
        #expect(try SweepJournal.openReadOnly(path: journalPath).task(key: killer.key)?.state == .done)
    }

    /// Plays the kernel's OOM killer for one task: every worker of `sweep` seen holding the task
    /// of `model.seed = seed` is killed with SIGKILL, until `sweep` exits (or `until` seconds).
    private func killTask(seed: Int, of sweep: Child, journal path: String, until seconds: Double) throws
        -> (key: String, kills: Int)
    {
        var key: String?
        #expect(
            waitUntil(seconds: 30) {
                key =
                    ((try? openJournal(path)?.tasks()) ?? []).first { task in
                        (try? JSONValue(parsing: task.gridJSON))?.dottedLeaves["model.seed"] == .integer(seed)
                    }?.key
                return key != nil
            })
        let target = try #require(key)
        var killed: Set<Int32> = []
        let deadline = Date().addingTimeInterval(seconds)
        while sweep.process.exit(within: 0) == nil && Date() < deadline {
            if let task = try? openJournal(path)?.task(key: target), task.state == .leased,
                let pid = workerPID(task.worker), !killed.contains(pid), children(of: sweep.pid).contains(pid)
            {
                kill(pid, SIGKILL)
                killed.insert(pid)
            }
            usleep(20_000)
        }
        return (target, killed.count)
    }
}
