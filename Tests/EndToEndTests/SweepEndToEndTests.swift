import Configuration
import Foundation
import SweepJournal
import SweepProtocol
import Testing
import ZeroMQTransport

@Suite(
    "eos sweep end to end: real processes and sockets", .serialized,
    .enabled(if: EOSBinary.isAvailable, "the eos binary was not built next to the tests (swift build --build-tests)"))
struct SweepEndToEndTests {
    @Test("a 3×3 digits grid with 2 workers completes, and each task equals eos run on its config bit for bit (1 BLAS thread)")
    func gridEqualsRun() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let base = configuration(steps: 30)
        try scratch.write("base.toml", base)
        try scratch.write(
            "spec.toml",
            specification(
                base,
                grid: [
                    #""train.lr" = [0.1, 0.2, 0.4]"#, #""model.width" = [4, 8, 16]"#,
                ]))
        let sweep = try eos(
            ["sweep", "spec.toml", "--workers", "2", "--threads-per-worker", "1", "--out", "out"],
            in: scratch.path)
        #expect(sweep.status == 0, "\(sweep.output)")
        #expect(sweep.output.contains("lr \\ width"))
        let journal = try SweepJournal.openReadOnly(path: scratch.path + "/out/journal.sqlite")
        let tasks = try journal.tasks()
        #expect(tasks.count == 9 && tasks.allSatisfy { $0.state == .done })
        for (index, task) in tasks.enumerated() {
            let leaves = try JSONValue(parsing: task.configJSON).dottedLeaves
            let lr = try #require(leaves["train.lr"]), width = try #require(leaves["model.width"])
            let run = try eos(
                [
                    "run", "base.toml", "--set", "train.lr=\(canonicalJSON(lr))",
                    "--set", "model.width=\(canonicalJSON(width))", "--out", "run-\(index)", "--threads", "1",
                ],
                in: scratch.path)
            #expect(run.status == 0, "\(run.output)")
            let expected = try String(contentsOfFile: "\(scratch.path)/run-\(index)/trace.csv", encoding: .utf8)
            #expect(try journal.file(taskKey: task.key, name: "trace.csv") == expected, "task \(index)")
            let onDisk = try String(contentsOfFile: "\(scratch.path)/out/tasks/\(task.key)/trace.csv", encoding: .utf8)
            #expect(onDisk == expected)
            let summary = try String(contentsOfFile: "\(scratch.path)/run-\(index)/summary.json", encoding: .utf8)
            #expect(comparable(task.summaryJSON) == comparable(summary))
            if index == 0 {
                let exported = try eos(["export", "out/journal.sqlite", "--format", "json"], in: scratch.path)
                let array = try #require(try JSONSerialization.jsonObject(with: Data(exported.output.utf8)) as? [[String: Any]])
                #expect(array.count == 9)
                #expect(
                    Set(array[0].keys) == [
                        "key", "config", "grid", "status", "attempts", "summary", "error", "worker", "started", "finished",
                        "run_folder",
                    ])
                let config = try String(contentsOfFile: "\(scratch.path)/run-0/config.json", encoding: .utf8)
                #expect(
                    array[0]["config"] as? NSDictionary
                        == (try JSONSerialization.jsonObject(with: Data(config.utf8)) as? NSDictionary))
                #expect(array[0]["status"] as? String == "done" && array[0]["attempts"] as? Int == 1)
            }
        }
        let csv = try eos(["export", "out/journal.sqlite", "--format", "csv"], in: scratch.path)
        let rows = csv.output.split(separator: "\n")
        #expect(rows.count == 10)
        #expect(rows.first?.hasPrefix("key,status,attempts,run_status,stop_reason,train.lr,model.width,data.n,") == true)
        #expect(rows.first?.contains(",train.steps,two_over_eta,") == true)
        #expect(rows.dropFirst().allSatisfy { $0.contains(",done,1,completed,steps,") })
        let status = try eos(["status", "out/journal.sqlite"], in: scratch.path)
        #expect(status.status == 0 && status.output.contains("done 9/9  running 0  queued 0  failed 0  ETA 0:00"))
    }

    @Test("kill -9 of a worker mid-task: its lease expires, another worker re-runs the task, recorded exactly once")
    func workerKilled() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // Long enough (~1 s in release) that the victim is still computing when it is killed.
        try scratch.write(
            "spec.toml",
            specification(
                configuration(steps: 40_000, every: 0),
                grid: [#""model.seed" = [0, 1]"#]))
        let endpoint = "ipc://\(scratch.path)/c.ipc"
        let coordinator = try Child(
            ["coordinator", "spec.toml", "--bind", endpoint, "--out", "out"],
            in: scratch.path, log: "coordinator.log")
        let victim = try Child(
            ["worker", "--connect", endpoint, "--out", "out", "--threads", "1"],
            in: scratch.path, log: "victim.log")
        defer { victim.kill9(); coordinator.kill9() }
        let journalPath = scratch.path + "/out/journal.sqlite"
        var victimTask: TaskRecord?
        #expect(
            waitUntil(seconds: 20) {
                victimTask = (try? openJournal(journalPath)?.tasks())?.first {
                    $0.state == .leased && $0.worker?.hasSuffix("-\(victim.pid)") == true
                }
                return victimTask != nil
            })
        let killed = try #require(victimTask)
        victim.kill9()
        let rescuer = try Child(
            ["worker", "--connect", endpoint, "--out", "out", "--threads", "1"],
            in: scratch.path, log: "rescuer.log")
        defer { rescuer.kill9() }
        #expect(coordinator.wait(seconds: 90) == 0, "\(coordinator.output)")
        let journal = try SweepJournal.openReadOnly(path: journalPath)
        #expect(try journal.counts().done == 2)
        let record = try #require(try journal.task(key: killed.key))
        #expect(record.state == .done && record.attempts == 2 && record.worker?.hasSuffix("-\(rescuer.pid)") == true)
        let kinds = try journal.events(taskKey: killed.key).map(\.kind)
        #expect(kinds.filter { $0 == .leaseExpired }.count == 1)
        #expect(kinds.filter { $0 == .taskCompleted || $0 == .lateResult }.count == 1)
        #expect(!kinds.contains(.duplicateResult))
    }

    @Test("a worker that shares no file system with the coordinator: its CSVs reach the coordinator's task folders, not the journal")
    func workerWithoutSharedFiles() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("spec.toml", specification(configuration(steps: 20), grid: [#""model.seed" = [0, 1]"#]))
        let endpoint = "ipc://\(scratch.path)/c.ipc"
        let coordinator = try Child(
            ["coordinator", "spec.toml", "--bind", endpoint, "--out", "out"], in: scratch.path, log: "coordinator.log")
        let worker = try Child(
            ["worker", "--connect", endpoint, "--out", "elsewhere", "--threads", "1"], in: scratch.path, log: "worker.log")
        defer { worker.kill9(); coordinator.kill9() }
        #expect(coordinator.wait(seconds: 90) == 0, "\(coordinator.output)")
        let journal = try SweepJournal.openReadOnly(path: scratch.path + "/out/journal.sqlite")
        let tasks = try journal.tasks()
        #expect(tasks.count == 2 && tasks.allSatisfy { $0.state == .done })
        for task in tasks {
            let workerCopy = try String(contentsOfFile: "\(scratch.path)/elsewhere/tasks/\(task.key)/trace.csv", encoding: .utf8)
            let coordinatorCopy = try String(contentsOfFile: "\(scratch.path)/out/tasks/\(task.key)/trace.csv", encoding: .utf8)
            #expect(coordinatorCopy == workerCopy)
            #expect(try journal.file(taskKey: task.key, name: "trace.csv") == workerCopy)
            #expect(try journal.storedFiles(taskKey: task.key)["trace.csv"]?.bytes == workerCopy.utf8.count)
        }
        let report = try eos(["report", "out/journal.sqlite", "--out", "report"], in: scratch.path)
        #expect(report.status == 0, "\(report.output)")
    }

    @Test(
        "kill -9 of eos sweep mid-sweep, then the same command: it resumes, finished tasks never run again, same results as an uninterrupted sweep"
    )
    func coordinatorKilled() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(
            "spec.toml",
            specification(
                configuration(steps: 2500, every: 50),
                grid: [#""model.seed" = [0, 1, 2, 3, 4]"#]))
        let command = ["sweep", "spec.toml", "--workers", "2", "--threads-per-worker", "1", "--out"]
        let reference = try eos(command + ["reference"], in: scratch.path)
        #expect(reference.status == 0, "\(reference.output)")

        let first = try Child(command + ["out"], in: scratch.path, log: "first.log")
        var orphans: [Int32] = []
        defer {
            first.kill9()
            for pid in orphans { kill(pid, SIGKILL) }
        }
        let journalPath = scratch.path + "/out/journal.sqlite"
        #expect(waitUntil(seconds: 60) { ((try? openJournal(journalPath)?.counts().done) ?? 0) >= 1 })
        orphans = children(of: first.pid)
        first.kill9()
        _ = first.wait(seconds: 5)
        let killedAt = Date().timeIntervalSince1970
        let doneBefore = Set(try SweepJournal.openReadOnly(path: journalPath).tasks().filter { $0.state == .done }.map(\.key))
        #expect(!doneBefore.isEmpty && doneBefore.count < 5)

        let again = try eos(command + ["out"], in: scratch.path)
        #expect(again.status == 0, "\(again.output)")
        let journal = try SweepJournal.openReadOnly(path: journalPath)
        let expected = try SweepJournal.openReadOnly(path: scratch.path + "/reference/journal.sqlite").tasks()
        let tasks = try journal.tasks()
        #expect(tasks.map(\.key) == expected.map(\.key))
        #expect(tasks.allSatisfy { $0.state == .done })
        for (task, reference) in zip(tasks, expected) {
            #expect(comparable(task.summaryJSON) == comparable(reference.summaryJSON))
            #expect(
                try journal.file(taskKey: task.key, name: "trace.csv")
                    == SweepJournal.openReadOnly(path: scratch.path + "/reference/journal.sqlite")
                    .file(taskKey: task.key, name: "trace.csv"))
        }
        for key in doneBefore {
            let leasesAfterKill = try journal.events(taskKey: key).filter { $0.kind == .taskLeased && $0.time > killedAt }
            #expect(leasesAfterKill.isEmpty, "finished task \(key.prefix(16)) was leased again")
        }
    }

    @Test("random bytes, truncated, oversized and wrong-version messages to the coordinator: logged, and the sweep completes")
    func garbageToCoordinator() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(
            "spec.toml",
            specification(
                configuration(steps: 3000, every: 0),
                grid: [#""model.seed" = [0, 1, 2]"#]))
        let sweep = try Child(["sweep", "spec.toml", "--workers", "1", "--out", "out"], in: scratch.path, log: "sweep.log")
        defer { sweep.kill9() }
        let journalPath = scratch.path + "/out/journal.sqlite"
        #expect(waitUntil(seconds: 30) { ((try? openJournal(journalPath)?.counts().leased) ?? 0) >= 1 })

        let context = try ZMQContext()
        let valid = WorkerMessage.encode(.ready(.init(worker: "x", host: "h", pid: 1, threads: 1, heldResults: [])))
        var generator = SystemRandomNumberGenerator()
        let noise = Data((0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let attacks: [[Data]] = [
            [noise],
            Array(valid.prefix(2)),
            [Data("EOS-SWEEP/9".utf8), valid[1], valid[2]],
            [valid[0], valid[1], Data(count: ProtocolConstants.maxFrameBytes + 1)],
            [valid[0], Data("TASK".utf8), valid[2]],
        ]
        for frames in attacks {
            let socket = try ZMQSocket(.dealer, context: context)
            try socket.set(.linger(milliseconds: 2_000))
            try socket.set(.sendTimeout(milliseconds: 3_000))
            try socket.connect("ipc://\(scratch.path)/out/coordinator.ipc")
            try socket.send(frames)
            socket.close()
        }
        #expect(sweep.wait(seconds: 90) == 0, "\(sweep.output)")
        let journal = try SweepJournal.openReadOnly(path: journalPath)
        #expect(try journal.counts().done == 3)
        let errors = try journal.events().filter { $0.kind.rawValue == "protocol_error" }.compactMap(\.detail)
        #expect(errors.count >= 4)
        #expect(errors.contains { $0.contains("EOS-SWEEP/9") })
        let log = try String(contentsOfFile: scratch.path + "/out/logs/coordinator.log", encoding: .utf8)
        #expect(log.contains("frames, expected 3"))
    }

    @Test("CURVE: a worker whose key is not allowed gets no task and is logged; an allowed one runs the sweep")
    func curveRefusesUnknownKey() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        for (name, folder) in [("server", "keys"), ("good", "allowed"), ("intruder", "other")] {
            let generated = try eos(["keys", "generate", "--name", name, "--out", folder], in: scratch.path)
            #expect(generated.status == 0, "\(generated.output)")
        }
        let mode = try FileManager.default.attributesOfItem(atPath: scratch.path + "/keys/server.key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try scratch.write("spec.toml", specification(configuration(steps: 20), grid: [#""model.seed" = [0, 1]"#]))
        let port = Int.random(in: 20_000...40_000)
        let refused = try eos(["coordinator", "spec.toml", "--bind", "tcp://0.0.0.0:\(port)", "--out", "out"], in: scratch.path)
        #expect(refused.status != 0 && refused.output.contains("--insecure"))
        #expect(refused.output.split(separator: "\n").count == 1)

        let endpoint = "tcp://127.0.0.1:\(port)"
        let coordinator = try Child(
            [
                "coordinator", "spec.toml", "--bind", "tcp://127.0.0.1:\(port)", "--out", "out",
                "--curve-secret", "keys/server.key", "--curve-allow", "allowed",
            ],
            in: scratch.path, log: "coordinator.log")
        let intruder = try Child(
            [
                "worker", "--connect", endpoint, "--out", "out", "--silence-timeout", "10",
                "--curve-secret", "other/intruder.key", "--curve-server", "keys/server.pub",
            ],
            in: scratch.path, log: "intruder.log")
        defer { intruder.kill9(); coordinator.kill9() }
        let journalPath = scratch.path + "/out/journal.sqlite"
        #expect(
            waitUntil(seconds: 20) {
                ((try? openJournal(journalPath)?.events()) ?? []).contains { $0.kind.rawValue == "worker_refused" }
            })
        usleep(500_000)
        #expect(try SweepJournal.openReadOnly(path: journalPath).counts().queued == 2)
        #expect(coordinator.output.contains("refused CURVE worker"))

        let good = try Child(
            [
                "worker", "--connect", endpoint, "--out", "out",
                "--curve-secret", "allowed/good.key", "--curve-server", "keys/server.pub",
            ],
            in: scratch.path, log: "good.log")
        defer { good.kill9() }
        #expect(coordinator.wait(seconds: 60) == 0, "\(coordinator.output)")
        let tasks = try SweepJournal.openReadOnly(path: journalPath).tasks()
        #expect(tasks.allSatisfy { $0.state == .done && $0.worker?.hasSuffix("-\(good.pid)") == true })
    }
}
