import ArgumentParser
import Foundation
import SweepJournal

/// `eos status JOURNAL`: done / running / queued / failed / stale and ETA; reads a live journal.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Progress of a sweep from its journal (also while it runs).")

    @OptionGroup var journalFile: JournalFileArgument

    func run() throws {
        do {
            let journal = try SweepJournal.openReadOnly(path: journalFile.journal)
            let counts = try journal.counts()
            let name = try journal.sweep()?.name ?? "(not synchronized yet)"
            let total = counts.queued + counts.leased + counts.done + counts.failed
            print("sweep \(name): \(total) tasks")
            print("done \(counts.done)  running \(counts.leased)  queued \(counts.queued)  failed \(counts.failed)  stale \(counts.stale)")
            let progress = try journal.progress(activeWorkers: max(1, counts.leased))
            let eta = progress.estimatedTimeRemaining.map(ProgressBar.duration) ?? "unknown (no task finished yet)"
            let average = progress.averageTaskDuration.map { String(format: " (average task %.1f s)", $0) } ?? ""
            print("ETA \(eta)\(average)")
            if let owner = try journal.owner() {
                let age = Date().timeIntervalSince1970 - owner.heartbeat
                if try journal.isOwnedByRunningCoordinator() {
                    print(String(format: "coordinator: pid %d on %@, last heartbeat %.1f s ago", owner.pid, owner.host, age))
                } else {
                    print(
                        String(
                            format: "coordinator: last coordinator (pid %d on host %@) is not running (last heartbeat %.1f s ago)",
                            owner.pid, owner.host, age))
                }
            } else {
                print("coordinator: none running")
            }
        } catch {
            throw fail(error.description)
        }
    }
}
