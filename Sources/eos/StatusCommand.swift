import ArgumentParser
import Foundation
import SweepJournal

/// `eos status JOURNAL [--watch]`: done / running / queued / failed / stale, the ETA from step
/// rates, one line per running task, and whether a coordinator runs; reads a live journal.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Progress of a sweep from its journal (also while it runs).")

    @OptionGroup var journalFile: JournalFileArgument

    @Flag(help: "Keep watching until the sweep is finished: redrawn in place on a terminal, one line per change otherwise.")
    var watch = false

    func run() throws {
        do {
            let journal = try SweepJournal.openReadOnly(path: journalFile.journal)
            guard watch else {
                let view = try SweepView.stored(journal)
                Console.output(view.lines.map { $0 + "\n" }.joined())
                Console.line(try Self.coordinatorLine(journal))
                return
            }
            let block = LiveBlock(isTerminal: isatty(STDOUT_FILENO) != 0, write: Console.output)
            while true {
                let view = try SweepView.stored(journal)
                let coordinator = try Self.coordinatorLine(journal)
                let c = view.counts
                // A journal not synchronized yet (no task) is not finished: its sweep is starting.
                let finished = c.inGrid > 0 && c.queued == 0 && c.leased == 0
                let key = "\(c.done) \(c.leased) \(c.queued) \(c.failed) \(c.stale) \(coordinator.prefix(24))"
                block.show(lines: view.lines + [coordinator], line: view.summary + "; " + coordinator, key: key)
                if finished || Console.outputFailure() != nil { return }
                Thread.sleep(forTimeInterval: 1)
            }
        } catch {
            throw fail(error.description)
        }
    }

    /// Whether a coordinator runs on the journal now (its OS lock), with its pid, host and heartbeat.
    static func coordinatorLine(_ journal: SweepJournal) throws(JournalError) -> String {
        guard let owner = try journal.owner() else { return "coordinator: none running" }
        let age = Date().timeIntervalSince1970 - owner.heartbeat
        if try journal.isOwnedByRunningCoordinator() {
            return String(format: "coordinator: pid %d on %@, last heartbeat %.1f s ago", owner.pid, owner.host, age)
        }
        return String(
            format: "coordinator: last coordinator (pid %d on host %@) is not running (last heartbeat %.1f s ago)",
            owner.pid, owner.host, age)
    }
}
