import ArgumentParser
import Configuration
import Experiment
import Foundation
import RunRecord
import SweepCoordinator
import SweepJournal
import ZeroMQTransport

/// `eos coordinator SPEC.toml --bind ENDPOINT [--out DIR] [--journal FILE]
/// [--curve-secret FILE --curve-allow DIR | --insecure]`
struct CoordinatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Run the coordinator of a sweep alone, for workers on other machines (eos worker --connect).")

    @Argument(help: "The sweep specification (TOML).")
    var spec: String

    @Option(help: "Endpoint to bind, e.g. tcp://0.0.0.0:5555 (non-loopback needs CURVE or --insecure).")
    var bind: String

    @OptionGroup var folder: SweepFolderOptions

    @Option(name: .customLong("curve-secret"), help: "The coordinator's CURVE secret key file (eos keys generate).")
    var curveSecret: String?

    @Option(name: .customLong("curve-allow"), help: "Folder of the allowed workers' .pub files.")
    var curveAllow: String?

    @Flag(help: "Bind a non-loopback endpoint without encryption (trusted networks only).")
    var insecure = false

    func validate() throws {
        if (curveSecret == nil) != (curveAllow == nil) {
            throw ValidationError("--curve-secret and --curve-allow go together")
        }
        if insecure && curveSecret != nil { throw ValidationError("--insecure contradicts --curve-secret") }
    }

    func run() throws {
        let security: CoordinatorSecurity
        if let curveSecret, let curveAllow {
            do {
                let pair = try CurveKeyFile.loadKeyPair(secretKeyFile: URL(fileURLWithPath: curveSecret))
                let allowed = try CurveKeyFile.loadAllowedKeys(directory: URL(fileURLWithPath: curveAllow))
                security = .curve(secretKey: pair.secretKey, allowedKeys: allowed)
            } catch {
                throw fail(error.description)
            }
        } else {
            security = .plain
        }
        let opened = try OpenedSweep(specPath: spec, folder: folder)
        StopSignal.install()
        let loop: CoordinatorLoop
        do {
            loop = try CoordinatorLoop(
                machine: opened.machine, endpoint: bind, security: security, insecure: insecure,
                log: { logLines($0) })
        } catch {
            opened.close()
            throw fail(error.description)
        }
        logLine("coordinator of sweep \(opened.specification.name) on \(bind): \(opened.synchronizationLine)")
        let finished: Bool
        do {
            finished = try loop.run(shouldStop: { StopSignal.isRequested })
        } catch {
            loop.close()
            opened.close()
            throw fail(error.description)
        }
        loop.close()
        opened.printTable()
        let failures = opened.failedTasksLine()
        opened.close()
        if !finished { throw ExitCode(143) }
        if let failures { throw failedTasks(failures) }
    }
}

/// A sweep specification loaded and its journal opened as coordinator and synchronized: what
/// `eos coordinator` and `eos sweep` share.
struct OpenedSweep {
    let specification: SweepSpecification
    let out: String
    let journal: SweepJournal
    let journalPath: String
    let machine: CoordinatorStateMachine
    let synchronizationLine: String

    init(specPath: String, folder: SweepFolderOptions) throws {
        let text: String
        do {
            text = try String(contentsOfFile: specPath, encoding: .utf8)
        } catch {
            throw fail("\(specPath): cannot read the sweep specification (\(error.localizedDescription))")
        }
        do { specification = try SweepSpecification.load(tomlText: text, file: specPath) } catch { throw fail(error.description) }
        self.out = URL(fileURLWithPath: folder.out ?? "runs/\(specification.name)").standardizedFileURL.path
        do {
            try FileManager.default.createDirectory(atPath: self.out, withIntermediateDirectories: true)
        } catch {
            throw fail("\(self.out): cannot create the sweep folder (\(error.localizedDescription)); choose another --out")
        }
        let path = folder.journal ?? self.out + "/journal.sqlite"
        journalPath = path
        if !folder.allowStale, let line = Self.staleRefusal(journal: path, specification: specification, specPath: specPath) {
            throw fail(line)
        }
        do {
            journal = try SweepJournal.openAsCoordinator(path: path)
            let counts = try journal.synchronize(
                specification, specText: text, toolVersion: ToolVersion.current,
                now: Date().timeIntervalSince1970)
            // Task files go to <out>/tasks/<key>/, wherever the journal is (docs/ARCHITECTURE.md §6).
            try journal.recordTaskRoot(self.out)
            synchronizationLine =
                "\(specification.tasks.count) tasks (added \(counts.added), kept \(counts.kept), "
                + "stale \(counts.staled), revived \(counts.revived)); journal \(path)"
        } catch {
            throw fail(error.description)
        }
        machine = CoordinatorStateMachine(journal: journal, settings: CoordinatorSettings(specification))
    }

    /// One line refusing `specification` when it would leave done tasks of the journal at `path`
    /// out of the grid (they would become stale); nil when it leaves none out, or there is no
    /// journal yet. Read-only, before the journal is opened to write: a refused edit changes nothing.
    static func staleRefusal(journal path: String, specification: SweepSpecification, specPath: String) -> String? {
        guard FileManager.default.fileExists(atPath: path), let journal = try? SweepJournal.openReadOnly(path: path),
            let tasks = try? journal.tasks(), (try? journal.sweep()?.name) == specification.name
        else { return nil }
        let keys = Set(specification.tasks.map(\.key))
        let leaving = tasks.filter { $0.state == .done && !keys.contains($0.key) }
        guard !leaving.isEmpty else { return nil }
        let names = leaving.prefix(3).map { TaskName.label(key: $0.key, gridJSON: $0.gridJSON) }.joined(separator: "; ")
        let more = leaving.count > 3 ? "; and \(leaving.count - 3) more" : ""
        return "\(specPath): this edit leaves \(leaving.count) finished task\(leaving.count == 1 ? "" : "s") out of the grid "
            + "(\(names)\(more)); they would become stale (kept, not run, reported apart): "
            + "pass --allow-stale to accept that, or restore the grid and base of \(path)'s sweep"
    }

    func printTable() {
        guard let tasks = try? journal.tasks() else { return }
        Console.line(SweepTable.render(tasks, gridKeys: specification.gridKeys))
        if let counts = try? journal.counts() {
            Console.line(
                "done \(counts.done), failed \(counts.failed), queued \(counts.queued), running \(counts.leased), "
                    + "stale \(counts.stale)")
        }
        _ = Console.outputFailure()  // the table before any closing line on standard error
    }

    /// One line naming the tasks that ended failed (the first five, with their last error), or
    /// nil when none did.
    func failedTasksLine() -> String? {
        guard let tasks = try? journal.tasks() else { return nil }
        let failed = tasks.filter { $0.state == .failed }
        guard !failed.isEmpty else { return nil }
        let shown = failed.prefix(5).map { task in
            let error = (task.lastError ?? "no error recorded").split(whereSeparator: \.isNewline).joined(separator: " ")
            return "\(taskLabel(task)): \(error)"
        }
        let more = failed.count > 5 ? "; and \(failed.count - 5) more" : ""
        return "\(failed.count) of \(tasks.count) tasks failed: \(shown.joined(separator: "; "))\(more) "
            + "(eos export \(journalPath) --format csv lists every task)"
    }

    func close() {
        try? journal.close(now: Date().timeIntervalSince1970)
    }
}

/// One line on standard error with an ISO 8601 timestamp (`[2026-12-06T03:09:36+01:00] …`).
func logLine(_ line: String) {
    logLines([line])
}

/// Lines on standard error, each with the same ISO 8601 timestamp, in one write.
func logLines(_ lines: [String]) {
    Console.error(timestamped(lines))
}

/// `[time] line\n` for each of `lines`, one timestamp for all (they are logged together).
func timestamped(_ lines: [String]) -> String {
    let prefix = "[\(isoTimestamp())] "
    return lines.map { prefix + $0 + "\n" }.joined()
}
