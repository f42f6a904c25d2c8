import Foundation
import Testing

/// A run directory holds whole files only: the temporary of a write that failed is removed at
/// once, and the temporaries a killed writer left are removed when the run resumes.
@Suite(
    "no .partial temporaries left in a run directory", .serialized,
    .enabled(if: EOSBinary.isAvailable, "the eos binary was not built next to the tests (swift build --build-tests)"))
struct PartialTemporaryTests {
    static func temporaries(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".partial") }
    }

    @Test("a write that fails part way (file size limit) leaves no temporary")
    func failedWrite() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // data.safetensors of 1000 digits is ~600 KB; the limit (64 blocks of 512 or 1024 bytes)
        // lets config.json through and stops it part way. SIGXFSZ ignored: the write fails with EFBIG.
        try scratch.write("ok.toml", configuration(steps: 2, n: 1000))
        let (status, output) = try shell(#"ulimit -f 64; trap '' XFSZ; exec "$EOS" run ok.toml --out run"#, in: scratch.path)
        #expect(status == 1, "\(output)")
        let errors = output.split(separator: "\n").filter { $0.hasPrefix("eos: ") }
        #expect(errors.count == 1 && errors[0].contains("data.safetensors: cannot write"), "\(output)")
        #expect(FileManager.default.fileExists(atPath: scratch.path + "/run/config.json"))
        #expect(Self.temporaries(in: scratch.path + "/run").isEmpty)
    }

    @Test("--resume removes the temporaries of a dead writer and keeps a live one's")
    func resumeRemovesStaleTemporaries() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("long.toml", configuration(steps: 20_000, every: 0))
        let run = try Child(["run", "long.toml", "--out", "run", "--threads", "1"], in: scratch.path, log: "run.log")
        defer { run.kill9() }
        #expect(waitUntil(seconds: 30) { FileManager.default.fileExists(atPath: scratch.path + "/run/params-init.safetensors") })
        kill(run.pid, SIGTERM)
        #expect(run.wait(seconds: 60) == 143, "\(run.output)")
        #expect(FileManager.default.fileExists(atPath: scratch.path + "/run/checkpoint.safetensors"))

        // A writer that is gone: pids are below the kernel's pid_max, so no process has this one.
        let pidMax = try String(contentsOfFile: "/proc/sys/kernel/pid_max", encoding: .utf8)
        let gone = try #require(Int32(pidMax.trimmingCharacters(in: .whitespacesAndNewlines)))
        let stale = ".trace.csv.\(gone).0a1b2c3d.partial"
        let live = ".data.safetensors.\(getpid()).4e5f6a7b.partial"
        try scratch.write("run/" + stale, "half a fi")
        try scratch.write("run/" + live, "being written")
        let resumed = try eos(["run", "long.toml", "--out", "run", "--threads", "1", "--resume"], in: scratch.path)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(Self.temporaries(in: scratch.path + "/run") == [live])
    }
}
