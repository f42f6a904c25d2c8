import Foundation
import Testing

/// Bad command lines and unwritable standard streams end with one line on standard error and
/// exit status 1, like every other bad input: no usage block, no status 64, no trap.
@Suite(
    "command-line errors and unwritable output: one line, exit 1", .serialized,
    .enabled(if: EOSBinary.isAvailable, "the eos binary was not built next to the tests (swift build --build-tests)"))
struct CommandLineErrorTests {
    @Test("invalid flags and values: one line naming the flag, exit 1")
    func argumentErrors() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("ok.toml", configuration(steps: 2))
        try scratch.write("spec.toml", specification(configuration(steps: 2), grid: [#""model.seed" = [0]"#]))
        let cases: [(arguments: [String], expected: [String])] = [
            (["run", "ok.toml", "--out", "run", "--threads", "0"], ["--threads must be at least 1, got 0", "eos run --help"]),
            (["sweep", "spec.toml", "--workers", "0"], ["--workers must be at least 1, got 0", "eos sweep --help"]),
            (["sweep", "spec.toml", "--threads-per-worker", "0"], ["--threads-per-worker"]),
            (["worker", "--connect", "ipc:///tmp/x", "--threads", "0"], ["--threads"]),
            (["export", "j.sqlite", "--format", "xml"], ["xml", "--format", "eos export --help"]),
            (["run", "ok.toml"], ["--out"]),
            (["run", "ok.toml", "--out", "run", "--bogus"], ["--bogus"]),
            (["keys", "generate"], ["--out", "eos keys generate --help"]),
            (["nonsense"], ["nonsense"]),
        ]
        for (arguments, expected) in cases {
            let (status, output) = try eos(arguments, in: scratch.path)
            #expect(status == 1, "\(arguments): \(output)")
            #expect(output.split(separator: "\n").count == 1 && output.hasPrefix("eos: "), "\(arguments): \(output)")
            for piece in expected { #expect(output.contains(piece), "\(arguments): '\(output)' lacks \(piece)") }
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/run"))
    }

    @Test("eos status and eos export on a folder say that they expect the journal file")
    func journalFolder() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("spec.toml", specification(configuration(steps: 2), grid: [#""model.seed" = [0]"#]))
        #expect(try eos(["sweep", "spec.toml", "--workers", "1", "--out", "out"], in: scratch.path).status == 0)
        for arguments in [["status", "out"], ["export", "out", "--format", "csv"]] {
            let (status, output) = try eos(arguments, in: scratch.path)
            #expect(status == 1, "\(arguments): \(output)")
            #expect(
                output == "eos: out: is a folder; expected a sweep's journal file (<out>/journal.sqlite); "
                    + "did you mean out/journal.sqlite? (see eos \(arguments[0]) --help)\n", "\(arguments): \(output)")
        }
    }

    @Test("standard error on a full device: the run completes and nothing traps")
    func fullStandardError() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("ok.toml", configuration(steps: 50, every: 5))
        let run = try shell(#""$EOS" run ok.toml --out run 2>/dev/full; echo "status $?""#, in: scratch.path)
        #expect(run.output.hasSuffix("status 0\n"), "\(run.output)")
        #expect(FileManager.default.fileExists(atPath: scratch.path + "/run/summary.json"))
        let bad = try shell(#""$EOS" run missing.toml --out other 2>/dev/full; echo "status $?""#, in: scratch.path)
        #expect(bad.output == "status 1\n", "\(bad.output)")
    }

    @Test("standard output on a full device: one line on standard error, exit 1")
    func fullStandardOutput() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("spec.toml", specification(configuration(steps: 2), grid: [#""model.seed" = [0, 1]"#]))
        #expect(try eos(["sweep", "spec.toml", "--workers", "1", "--out", "out"], in: scratch.path).status == 0)
        // Line-buffered too (stdbuf -oL, as on a terminal): a write fails inside the line that
        // ends it, and the reason must survive to the closing line.
        for command in [
            #""$EOS" export out/journal.sqlite --format csv"#, #""$EOS" export out/journal.sqlite --format json"#,
            #""$EOS" status out/journal.sqlite"#, #"stdbuf -oL "$EOS" status out/journal.sqlite"#,
            #"stdbuf -oL "$EOS" export out/journal.sqlite --format csv"#,
        ] {
            let (status, output) = try shell(command + " >/dev/full", in: scratch.path)
            #expect(status == 1, "\(command): \(output)")
            #expect(output == "eos: cannot write standard output (No space left on device)\n", "\(command): \(output)")
        }
        try scratch.write("ok.toml", configuration(steps: 2))
        for (prefix, out) in [("", "run"), ("stdbuf -oL ", "line-buffered")] {
            let (status, output) = try shell(prefix + #""$EOS" run ok.toml --out \#(out) >/dev/full"#, in: scratch.path)
            #expect(status == 1 && output.hasSuffix("eos: cannot write standard output (No space left on device)\n"), "\(output)")
        }
        // With --force, a previous run survives an unwritable standard output.
        #expect(try shell(#""$EOS" run ok.toml --out kept"#, in: scratch.path).status == 0)
        let (forced, forcedOutput) = try shell(#""$EOS" run ok.toml --out kept --force >/dev/full"#, in: scratch.path)
        #expect(forced == 1, "\(forcedOutput)")
        #expect(FileManager.default.fileExists(atPath: scratch.path + "/kept/summary.json"))
    }
}
