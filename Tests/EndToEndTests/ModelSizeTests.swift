import Foundation
import SweepJournal
import Testing

/// A model too large for the machine is refused from its configuration, before anything is
/// written: one line with the memory needed and available, by `eos run` and by a sweep task.
@Suite(
    "a model too large for the machine is refused before it is written", .serialized,
    .enabled(if: EOSBinary.isAvailable, "the eos binary was not built next to the tests (swift build --build-tests)"))
struct ModelSizeTests {
    @Test("eos run --force with model.width = 1000000: one line, exit 1, the previous run untouched")
    func oversizedRunIsRefused() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("ok.toml", configuration(steps: 2))
        #expect(try eos(["run", "ok.toml", "--out", "done"], in: scratch.path).status == 0)
        let before = try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/done").sorted()
        let summary = try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/done/summary.json"))

        let (status, output) = try eos(
            ["run", "ok.toml", "--set", "model.width=1000000", "--out", "done", "--force"],
            in: scratch.path)
        #expect(status == 1, "\(output)")
        #expect(output.split(separator: "\n").count == 1, "\(output)")
        #expect(output.hasPrefix("eos: model too large for this machine: the run needs about "), "\(output)")
        #expect(output.contains("available (") && output.contains("model.width"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/done").sorted() == before)
        #expect(try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/done/summary.json")) == summary)
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/new"))
        let fresh = try eos(["run", "ok.toml", "--set", "model.width=1000000", "--out", "new"], in: scratch.path)
        #expect(fresh.status == 1 && !FileManager.default.fileExists(atPath: scratch.path + "/new"), "\(fresh.output)")
    }

    @Test("a sweep task too large fails cleanly with that line (no worker dies); the sweep exits 2 naming it")
    func oversizedTaskFails() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("spec.toml", specification(configuration(steps: 5), grid: [#""model.width" = [8, 1000000]"#]))
        let (status, output) = try eos(["sweep", "spec.toml", "--workers", "1", "--out", "out"], in: scratch.path, seconds: 120)
        #expect(status == 2, "\(output)")
        let line = try #require(output.split(separator: "\n").last { $0.hasPrefix("eos: ") })
        #expect(
            line.hasPrefix("eos: 1 of 2 tasks failed: ") && line.contains("(model.width=1000000): model too large"),
            "\(line)")
        let journal = try SweepJournal.openReadOnly(path: scratch.path + "/out/journal.sqlite")
        let tasks = try journal.tasks()
        let failed = try #require(tasks.first { $0.state == .failed })
        #expect(failed.lastError?.hasPrefix("model too large for this machine") == true)
        #expect(tasks.filter { $0.state == .done }.count == 1)
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/out/tasks/\(failed.key)"))
        #expect(try !journal.events().contains { $0.kind.rawValue == "worker_died" || $0.kind == .leaseExpired })
    }
}
