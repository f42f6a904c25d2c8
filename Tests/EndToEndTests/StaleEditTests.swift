import Foundation
import SweepJournal
import Testing

@Suite(
    "an edit that would leave finished tasks aside", .serialized,
    .enabled(if: EOSBinary.isAvailable, "the eos binary was not built next to the tests (swift build --build-tests)"))
struct StaleEditTests {
    @Test("is refused in one line, changing nothing, unless --allow-stale; the report still shows the stale result, marked")
    func staleEditsNeedConsent() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let base = configuration(steps: 20)
        try scratch.write("spec.toml", specification(base, grid: [#""train.lr" = [0.1, 0.2]"#]))
        let first = try eos(["sweep", "spec.toml", "--workers", "1", "--out", "out"], in: scratch.path)
        #expect(first.status == 0, "\(first.output)")
        let journalPath = scratch.path + "/out/journal.sqlite"
        let eventsBefore = try SweepJournal.openReadOnly(path: journalPath).events().count

        // 0.1 leaves the grid: its finished result would become stale.
        try scratch.write("spec.toml", specification(base, grid: [#""train.lr" = [0.2, 0.4]"#]))
        for command in [
            ["sweep", "spec.toml", "--workers", "1", "--out", "out"],
            ["coordinator", "spec.toml", "--bind", "ipc://c.ipc", "--out", "out"],
        ] {
            let refused = try eos(command, in: scratch.path)
            #expect(refused.status == 1, "\(refused.output)")
            let lines = refused.output.split(separator: "\n")
            #expect(
                lines.count == 1 && lines[0].hasPrefix("eos: spec.toml: this edit leaves 1 finished task out of the grid (train.lr=0.1 ("))
            #expect(lines[0].contains("--allow-stale"))
        }
        let untouched = try SweepJournal.openReadOnly(path: journalPath)
        #expect(try untouched.events().count == eventsBefore && untouched.counts().stale == 0)

        // Adding a value only is fine without the flag; with it, the edit goes through.
        let allowed = try eos(["sweep", "spec.toml", "--workers", "1", "--out", "out", "--allow-stale"], in: scratch.path)
        #expect(allowed.status == 0, "\(allowed.output)")
        let counts = try SweepJournal.openReadOnly(path: journalPath).counts()
        #expect(counts.stale == 1 && counts.done == 2)

        let report = try eos(["report", "out/journal.sqlite", "--out", "report"], in: scratch.path)
        #expect(report.status == 0, "\(report.output)")
        #expect(FileManager.default.fileExists(atPath: scratch.path + "/report/sharpness-stale.svg"))
        let summary = try String(contentsOfFile: scratch.path + "/report/summary.csv", encoding: .utf8)
        let staleRow = try #require(summary.split(separator: "\n").last)
        #expect(staleRow.hasPrefix("train.lr=0.1 (stale),") && staleRow.contains(",stale,completed,steps,"))
        let html = try String(contentsOfFile: scratch.path + "/report/index.html", encoding: .utf8)
        #expect(html.contains("1 stale (no longer in the grid, reported apart)"))
    }
}
