import Foundation
import SweepJournal
import Testing

@Suite("eos status tells a live coordinator from a dead one", .enabled(if: EOSBinary.isAvailable, "eos binary not built"))
struct StatusLivenessTests {
    @Test("after a crash the owner row stays: status says the last coordinator is not running")
    func deadCoordinatorIsNotNamedLive() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = scratch.path + "/journal.sqlite"
        let host = ProcessInfo.processInfo.hostName
        do {
            let live = try SweepJournal.openAsCoordinator(path: path, now: Date().timeIntervalSince1970)
            let running = try eos(["status", path], in: scratch.path)
            #expect(running.status == 0 && running.output.contains("coordinator: pid \(getpid()) on \(host), last heartbeat"))
            _ = live
        }  // dropped without close: the OS lock goes, the owner row stays, as after kill -9
        let dead = try eos(["status", path], in: scratch.path)
        #expect(dead.status == 0)
        #expect(
            dead.output.contains("coordinator: last coordinator (pid \(getpid()) on host \(host)) is not running"),
            "\(dead.output)")
    }
}
