import Testing
import Foundation
import Configuration
@testable import Experiment

/// `trace.csv` and `track.csv` grow while a run goes on (docs/CONFIGURATION.md §5).
@Suite(.serialized) struct LiveFilesTests {
    func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func rowsAreAppendedOnlyWhenDueAndAlwaysAsWholeLines() throws {
        let folder = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        final class Warnings: @unchecked Sendable { var lines: [String] = [] }
        let warnings = Warnings()
        let live = LiveFiles(directory: RunDirectory(existing: folder), interval: 3600, warn: { warnings.lines.append($0) })
        live.publish(trace: "step,loss\n", force: true)
        #expect(read(folder + "/trace.csv") == "step,loss\n")
        live.publish(trace: "step,loss\n0,1\n")  // not due for an hour
        #expect(read(folder + "/trace.csv") == "step,loss\n")
        live.publish(trace: "step,loss\n0,1\n1,0.5\n", track: "step,x\n5,0.1\n", force: true)
        #expect(read(folder + "/trace.csv") == "step,loss\n0,1\n1,0.5\n")
        #expect(read(folder + "/track.csv") == "step,x\n5,0.1\n")
        #expect(warnings.lines.isEmpty)
        // A file replaced from outside (the run's final, atomic write) is left alone: the live
        // copy appends to the inode it opened.
        try "final\n".write(toFile: folder + "/trace.csv", atomically: true, encoding: .utf8)
        live.publish(trace: "step,loss\n0,1\n1,0.5\n2,0.25\n", force: true)
        #expect(read(folder + "/trace.csv") == "final\n")
    }

    /// Read mid-run, trace.csv is the header and every row made so far (each publish is due at
    /// interval 0); the finished file is what a run writes without live files.
    @Test func aPlainRunsTraceGrowsRowByRowAndEndsAsTheWholeFile() throws {
        let folder = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        final class Seen: @unchecked Sendable { var texts: [Int: String] = [:] }
        let seen = Seen()
        let path = folder + "/trace.csv"
        let outcome = try Experiment.run(
            try configuration(ExperimentRunTests.small), in: RunDirectory(existing: folder),
            options: ExperimentOptions(
                liveInterval: 0,
                progress: { p in seen.texts[p.step] = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
                }))
        let final = try #require(read(path))
        #expect(final == outcome.files["trace.csv"])
        let lines = final.split(separator: "\n", omittingEmptySubsequences: false)
        for step in [0, 1, 17, 59] {
            // Rows 0 … step, each whole, then nothing.
            #expect(seen.texts[step] == lines[0...(step + 1)].joined(separator: "\n") + "\n", "at step \(step)")
        }
    }

    /// A resumed run starts its live trace.csv again from its checkpoint's rows, so rows a killed
    /// run appended after its last checkpoint are gone before they are computed again.
    @Test func aResumedRunDropsRowsWrittenAfterItsCheckpoint() throws {
        let whole = scratchFolder(), parts = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: whole); try? FileManager.default.removeItem(atPath: parts) }
        let c = try configuration(ExperimentRunTests.small)
        let reference = try Experiment.run(c, in: RunDirectory(existing: whole))
        final class Counter: @unchecked Sendable { var rows = 0 }
        let counter = Counter()
        _ = try Experiment.run(
            c, in: RunDirectory(existing: parts),
            options: ExperimentOptions(shouldStop: {
                counter.rows += 1; return counter.rows > 25
            }))
        // As if the run had gone on after its checkpoint and been killed: rows on disk beyond it.
        let handle = try #require(FileHandle(forWritingAtPath: parts + "/trace.csv"))
        handle.seekToEndOfFile()
        handle.write(Data("999,1,1,1,,\n".utf8))
        try handle.close()
        final class First: @unchecked Sendable { var text: String? }
        let first = First()
        let resumed = try Experiment.run(
            c, in: RunDirectory(existing: parts),
            options: ExperimentOptions(
                liveInterval: 3600,
                progress: { _ in
                    if first.text == nil {
                        first.text = FileManager.default.contents(atPath: parts + "/trace.csv").map { String(decoding: $0, as: UTF8.self) }
                    }
                }))
        #expect(resumed.resumedFromCheckpoint)
        let kept = try #require(first.text)
        #expect(!kept.contains("999,") && reference.files["trace.csv"]!.hasPrefix(kept))
        #expect(kept.split(separator: "\n").count == 26)  // header + rows 0 … 24
        #expect(read(parts + "/trace.csv") == reference.files["trace.csv"])
    }

    /// A tracked run's track.csv grows during phase B; the finished files are the usual ones.
    @Test func aTrackedRunsTrackGrowsDuringPhaseB() throws {
        let folder = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        final class Seen: @unchecked Sendable { var track: [String] = [] }
        let seen = Seen()
        let outcome = try Experiment.run(
            try binaryDigitsTracking(budget: 300, trackedSteps: 12), in: RunDirectory(existing: folder),
            options: ExperimentOptions(
                liveInterval: 0,
                progress: { p in
                    guard p.phase == "track", let text = FileManager.default.contents(atPath: folder + "/track.csv") else { return }
                    seen.track.append(String(decoding: text, as: UTF8.self))
                }))
        let final = try #require(outcome.files["track.csv"])
        #expect(read(folder + "/track.csv") == final && read(folder + "/trace.csv") == outcome.files["trace.csv"])
        #expect(seen.track.count == 13)
        let counts = seen.track.map { $0.split(separator: "\n").count }
        #expect(counts == Array(2...14))  // header + one more row per phase-B step
        #expect(seen.track.allSatisfy { final.hasPrefix($0) })
    }
}
