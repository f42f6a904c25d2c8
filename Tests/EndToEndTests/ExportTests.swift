import Foundation
import SweepJournal
import TestSupport
import Testing

/// `eos export` in full (docs/CONFIGURATION.md §8), and python/eos_frames.py against it. The
/// Python half needs pandas in the python of `EOS_TORCH_PYTHON` (scripts/torch-venv installs it):
/// without it the test fails, it does not skip.
@Suite(
    "eos export: the task table, --history, and python/eos_frames.py", .serialized,
    .enabled(if: EOSBinary.isAvailable, "the eos binary was not built next to the tests (swift build --build-tests)"))
struct ExportTests {
    func rows(_ csv: String) -> [[String: String]] {
        let lines = csv.split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    @Test("the table names each task's configuration, status, summary, timings and folder; --history stacks the traces")
    func exportAndFrames() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // Two axes; the base sets data.name (at its default), data.n, model.depth, model.width,
        // train.steps and sharpness.every; nothing varies beyond the axes.
        try scratch.write(
            "spec.toml",
            specification(configuration(steps: 30, every: 10), grid: [#""train.lr" = [0.1, 0.2]"#, #""model.seed" = [0, 1]"#]))
        let sweep = try eos(["sweep", "spec.toml", "--workers", "2", "--threads-per-worker", "1", "--out", "out"], in: scratch.path)
        #expect(sweep.status == 0, "\(sweep.output)")

        let export = try eos(["export", "out/journal.sqlite"], in: scratch.path)  // csv is the default
        #expect(export.status == 0, "\(export.output)")
        let header = try #require(export.output.split(separator: "\n").first).split(separator: ",").map(String.init)
        // The axes first, then the keys the spec sets, those that vary and the always-shown ones, sorted.
        #expect(
            Array(header.prefix(16)) == [
                "key", "status", "attempts", "run_status", "stop_reason", "train.lr", "model.seed", "data.n", "data.name",
                "loss.name", "model.activation", "model.arch", "model.depth", "model.width", "sharpness.every", "train.steps",
            ])
        #expect(header.contains("time_total") && header.contains("wall_seconds") && header.contains("run_folder"))
        #expect(!header.contains("data.standardize") && !header.contains("track.enabled"))
        let table = rows(export.output)
        #expect(table.count == 4)
        for row in table {
            #expect(row["status"] == "done" && row["attempts"] == "1" && row["run_status"] == "completed")
            #expect(row["model.arch"] == "mlp" && row["data.n"] == "64" && row["train.steps"] == "30")
            #expect(row["run_folder"] == scratch.path + "/out/tasks/" + row["key"]!)
            #expect(Double(row["time_total"]!)! > 0 && Double(row["wall_seconds"]!)! > 0 && row["steps_done"] == "30")
            #expect(
                row["started"]!.hasSuffix("Z")
                    && row["finished"]!.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression) != nil)
        }
        let json = try eos(["export", "out/journal.sqlite", "--format", "json"], in: scratch.path)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]])
        #expect(
            Set(array[0].keys) == [
                "key", "config", "grid", "status", "attempts", "summary", "error", "worker", "started", "finished", "run_folder",
            ])

        let history = try eos(["export", "out/journal.sqlite", "--history"], in: scratch.path)
        #expect(history.status == 0)
        let traceRows = rows(history.output)
        #expect(traceRows.count == 4 * 31)
        #expect(history.output.hasPrefix("key,status,train.lr,model.seed,data.n,data.name,"))
        #expect(history.output.split(separator: "\n")[0].hasSuffix(",step,loss,accuracy,grad_norm,sharpness,sharpness_at"))
        #expect(Set(traceRows.map { $0["key"]! }).count == 4 && traceRows.filter { $0["step"] == "0" }.count == 4)
        let refused = try eos(["export", "out/journal.sqlite", "--history", "--format", "json"], in: scratch.path)
        #expect(refused.status == 1 && refused.output.contains("--history writes CSV only"))

        // A run directory is not a journal: say what it is and what to use.
        try scratch.write("base.toml", configuration(steps: 30, every: 10))
        let single = try eos(["run", "base.toml", "--out", "run", "--set", "train.lr=0.1"], in: scratch.path)
        #expect(single.status == 0, "\(single.output)")
        let wrong = try eos(["export", "run"], in: scratch.path)
        #expect(wrong.status == 1 && wrong.output.contains("is a run directory (eos run --out), not a sweep's journal"))
        #expect(wrong.output.split(separator: "\n").count == 1)

        // python/eos_frames.py gives the same tables as pandas frames.
        let python = try #require(
            ProcessInfo.processInfo.environment["EOS_TORCH_PYTHON"].flatMap { $0.isEmpty ? nil : $0 },
            "EOS_TORCH_PYTHON is not set: run `export EOS_TORCH_PYTHON=$(scripts/torch-venv)` (scripts/test does this)")
        try scratch.write("export.csv", export.output)
        try scratch.write("history.csv", history.output)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("oracle/check_frames.py").path
        /// Runs check_frames.py on `journal` (in out/) against the exports; its output is in `log`.
        func checkFrames(journal: String, log: String) throws {
            let check = try Child(
                [
                    script, scratch.path + "/out/" + journal, scratch.path + "/export.csv", scratch.path + "/history.csv",
                    scratch.path + "/run",
                ],
                in: scratch.path, log: log, executable: python)
            #expect(check.wait(seconds: 120) == 0, "\(check.output)")
            #expect(check.output.hasSuffix("ok\n"), "\(check.output)")
        }
        try checkFrames(journal: "journal.sqlite", log: "frames.log")

        // The same frames from the same sweep's journal as schema 6 kept it (results and file
        // records in tables of their own): a copy beside it, so that the task folders are its too.
        let copy = """
            import sqlite3, sys
            source, copy = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
            source.backup(copy)
            copy.executescript(sys.argv[3])
            copy.close()
            """
        let downgrade = try Child(
            ["-c", copy, scratch.path + "/out/journal.sqlite", scratch.path + "/out/journal-6.sqlite", versionSixSQL],
            in: scratch.path, log: "downgrade.log", executable: python)
        #expect(downgrade.wait(seconds: 60) == 0, "\(downgrade.output)")
        try checkFrames(journal: "journal-6.sqlite", log: "frames-6.log")
    }
}
