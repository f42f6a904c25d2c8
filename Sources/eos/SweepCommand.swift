import ArgumentParser
import Foundation
import SweepCoordinator
import SweepJournal

/// `eos sweep SPEC.toml [--workers N] [--threads-per-worker N] [--out DIR] [--journal FILE]`:
/// a coordinator in this process and N worker processes of this same binary, on
/// `LocalEndpoint.endpoint(out:)`; the same command again resumes from the journal.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a sweep on this machine: a coordinator and N worker processes; run it again to resume.")

    @Argument(help: "The sweep specification (TOML).")
    var spec: String

    @Option(help: "Worker processes (default: one per core).")
    var workers: Int?

    @Option(name: .customLong("threads-per-worker"), help: "BLAS threads of each worker (default: max(1, cores / workers)).")
    var threadsPerWorker: Int?

    @OptionGroup var folder: SweepFolderOptions

    /// Seconds a local worker waits for a vanished coordinator (e.g. a killed `eos sweep`) before it exits.
    static let localSilenceTimeout = 30.0

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1, got \(workers)") }
        if let threadsPerWorker, threadsPerWorker < 1 {
            throw ValidationError("--threads-per-worker must be at least 1, got \(threadsPerWorker)")
        }
    }

    func run() throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let workerCount = workers ?? cores
        let threads = threadsPerWorker ?? max(1, cores / workerCount)
        let opened = try OpenedSweep(specPath: spec, folder: folder)
        reportBLASKernel()
        StopSignal.install()
        let endpoint = LocalEndpoint.endpoint(out: opened.out)
        try? opened.journal.record(
            event: JournalEvent(
                time: Date().timeIntervalSince1970, kind: JournalEvent.Kind(rawValue: "coordinator_endpoint"), detail: endpoint))
        let loop: CoordinatorLoop
        let sweepFolder = opened.out
        do {
            loop = try CoordinatorLoop(
                machine: opened.machine, endpoint: endpoint, security: .plain,
                log: { lines in
                    SweepCommand.appendLog(lines, out: sweepFolder)
                })
        } catch {
            opened.close()
            throw fail(error.description)
        }
        logLine("sweep \(opened.specification.name): \(opened.synchronizationLine)")
        let supervisor = WorkerSupervisor(
            launch: { index in try startWorker(index: index, endpoint: endpoint, threads: threads, out: sweepFolder) },
            log: { line in
                logLine(line)
                SweepCommand.appendLog([line], out: sweepFolder)
            })
        if !((try? opened.journal.isFinished()) ?? false) {
            do {
                let counts = try? opened.journal.counts()
                try supervisor.start(count: workerCount, finished: (counts?.done ?? 0) + (counts?.failed ?? 0))
            } catch {
                SweepCommand.reap(supervisor.processes)
                loop.close()
                opened.close()
                throw fail("cannot start worker processes (\(error.localizedDescription)); check that \(opened.out)/logs is writable")
            }
            logLine("\(workerCount) workers × \(threads) BLAS threads on \(endpoint); logs in \(opened.out)/logs")
        }
        let display = SweepProgressDisplay(name: opened.specification.name)
        let finished: Bool
        do {
            finished = try loop.run(
                shouldStop: { StopSignal.isRequested || supervisor.gaveUp },
                onTick: { machine in
                    display.update(machine)
                    if !machine.isFinished && !StopSignal.isRequested {
                        supervisor.check(journal: machine.journal, now: Date().timeIntervalSince1970)
                    }
                })
        } catch {
            display.finish()
            loop.close()
            SweepCommand.reap(supervisor.processes)
            opened.close()
            throw fail(error.description)
        }
        display.finish()
        loop.close()
        SweepCommand.reap(supervisor.processes)
        opened.printTable()
        let failures = opened.failedTasksLine()
        let gaveUp = supervisor.gaveUp ? supervisor.failureLine(journal: opened.journal) : nil
        opened.close()
        if let gaveUp {
            throw fail(
                "\(gaveUp); the journal keeps every result: fix the cause (see \(opened.out)/logs) "
                    + "and run the same command to resume")
        }
        if !finished { throw ExitCode(143) }
        if let failures { throw failedTasks(failures) }
    }

    /// `eos worker` as a child process, its output in `<out>/logs/worker-<index + 1>.log`.
    private func startWorker(index: Int, endpoint: String, threads: Int, out: String) throws -> Process {
        let logs = out + "/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let logPath = logs + "/worker-\(index + 1).log"  // numbered from 1, as the supervisor names them
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [
            "worker", "--connect", endpoint, "--threads", "\(threads)", "--out", out,
            "--data-root", FileManager.default.currentDirectoryPath,
            "--silence-timeout", "\(Int(Self.localSilenceTimeout))", "--parent-pid", "\(getpid())",
        ]
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        defer { try? log.close() }  // the worker holds its own copy; a restarted worker must not leak ours
        try process.run()
        return process
    }

    /// Waits up to 5 s for the workers (told SHUTDOWN) to exit, then SIGTERMs, then SIGKILLs the rest.
    static func reap(_ children: [Process]) {
        func waitAll(_ seconds: Double) {
            let deadline = Date().addingTimeInterval(seconds)
            while children.contains(where: \.isRunning) && Date() < deadline { usleep(20_000) }
        }
        waitAll(5)
        for child in children where child.isRunning { kill(child.processIdentifier, SIGTERM) }
        waitAll(5)
        for child in children where child.isRunning { kill(child.processIdentifier, SIGKILL) }
        waitAll(1)
    }

    /// The coordinator's log lines go to `<out>/logs/coordinator.log`, keeping the terminal for progress.
    static func appendLog(_ lines: [String], out: String) {
        let path = out + "/logs/coordinator.log"
        try? FileManager.default.createDirectory(atPath: out + "/logs", withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        handle.seekToEndOfFile()
        try? handle.write(contentsOf: Data(timestamped(lines).utf8))
        try? handle.close()
    }
}

/// The live display of `eos sweep` on standard error (``SweepView``): the counts and ETA and one
/// line per running task, redrawn in place on a terminal at most once a second; elsewhere one
/// timestamped line when the counts change, and every 30 s.
final class SweepProgressDisplay {
    private let name: String
    private let block = LiveBlock(isTerminal: isatty(STDERR_FILENO) != 0, write: Console.error)
    private var lastDraw = Date.distantPast

    init(name: String) { self.name = name }

    func update(_ machine: CoordinatorStateMachine) {
        guard Date().timeIntervalSince(lastDraw) >= 1, let view = try? SweepView.live(name: "sweep " + name, machine: machine)
        else { return }
        lastDraw = Date()
        let c = view.counts
        block.show(lines: view.lines, line: view.summary, key: "\(c.done) \(c.leased) \(c.queued) \(c.failed) \(c.stale)")
    }

    func finish() {}
}
