import Foundation
import TestSupport
import Testing

/// `eos run` as a user runs it: the edge of stability on the bundled digits, the run directory,
/// and one-line errors for bad input. The EoS run takes ~40 s in release mode.
@Suite(.serialized) struct RunCommandTests {
    /// docs/THEORY.md §1: digits (first 1000, per-pixel standardized), MLP 64→64→64→10 tanh, mse,
    /// Float64, η = 0.25: S starts at 2–3.5, reaches 2/η = 8 within 700 steps, then hovers at
    /// 2/η (median of S·η/2 over the last half in [0.9, 1.1]) while the loss keeps falling.
    @Test(.enabled(if: EOSBinary.isAvailable)) func edgeOfStabilityOnDigitsThroughEosRun() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(
            "eos.toml",
            """
            [data]
            name = "digits"
            n = 1000
            standardize = "per-pixel"
            [model]
            depth = 2
            width = 64
            activation = "tanh"
            [loss]
            name = "mse"
            [train]
            lr = 0.25
            steps = 1500
            precision = "float64"
            [sharpness]
            every = 10

            """)
        let (status, output) = try eos(["run", "eos.toml", "--out", "run", "--threads", "1"], in: scratch.path, seconds: 900)
        #expect(status == 0, "\(output)")
        let trace = try String(contentsOfFile: scratch.path + "/run/trace.csv", encoding: .utf8)
        let rows = trace.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.count == 1501)
        let loss = rows.map { Double($0[1])! }
        let sharpness = rows.compactMap { r in Double(r[4]).map { (step: Int(r[0])!, s: $0) } }
        #expect((2.0...3.5).contains(sharpness[0].s))
        let crossing = try #require(sharpness.first { $0.s >= 8 })
        #expect(crossing.step <= 700)
        let lastHalf = sharpness.filter { $0.step >= 750 }.map { $0.s * 0.25 / 2 }.sorted()
        let median = (lastHalf[lastHalf.count / 2] + lastHalf[(lastHalf.count - 1) / 2]) / 2
        #expect((0.9...1.1).contains(median))
        #expect(loss[1500] < loss[750] && loss[750] < loss[0])
        let summary = try String(contentsOfFile: scratch.path + "/run/summary.json", encoding: .utf8)
        #expect(summary.contains("\"eos_step\": \(crossing.step)"))
    }

    @Test(.enabled(if: EOSBinary.isAvailable)) func parameterFilesLoadInNumPy() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("tiny.toml", configuration(steps: 3))
        let (status, output) = try eos(["run", "tiny.toml", "--out", "run"], in: scratch.path)
        #expect(status == 0, "\(output)")
        // The public safetensors layout read by hand with NumPy: 8-byte LE header length, JSON, raw LE data.
        let script = """
            import json, struct, sys
            try:
                import numpy as np
            except ImportError:
                print("SKIP"); sys.exit(0)
            raw = open(sys.argv[1], "rb").read()
            n = struct.unpack("<Q", raw[:8])[0]
            header = json.loads(raw[8:8 + n])
            data = raw[8 + n:]
            out = {}
            for name, t in header.items():
                if name == "__metadata__": continue
                a, b = t["data_offsets"]
                dtype = {"F64": "<f8", "F32": "<f4", "I64": "<i8"}[t["dtype"]]
                out[name] = np.frombuffer(data[a:b], dtype=dtype).reshape(t["shape"])
            print(json.dumps({k: [list(v.shape), float(v.sum())] for k, v in sorted(out.items())}))
            """
        try scratch.write("read.py", script)
        let python = try runToEnd(
            "/usr/bin/env", ["python3", scratch.path + "/read.py", scratch.path + "/run/params-final.safetensors"])
        #expect(python.exit == .exited(0), "\(python.errors)")
        let text = python.output
        try #require(!text.hasPrefix("SKIP"), "NumPy is not installed: the safetensors check was skipped")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [Any]])
        #expect(parsed.keys.sorted() == ["layers.0.bias", "layers.0.weight", "layers.1.bias", "layers.1.weight"])
        #expect(parsed["layers.0.weight"]?.first as? [Int] == [8, 64])
        #expect(parsed["layers.1.weight"]?.first as? [Int] == [10, 8])
    }

    /// Every bad input of docs/CONFIGURATION.md §9: exit status 1, one line on stderr naming the file, key and
    /// line, and nothing already written touched.
    @Test(.enabled(if: EOSBinary.isAvailable)) func badInputGivesOneLineErrors() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try FileManager.default.createDirectory(atPath: scratch.path + "/cifar", withIntermediateDirectories: true)
        try Data(repeating: 1, count: 3073 * 2 + 5).write(to: URL(fileURLWithPath: scratch.path + "/cifar/data_batch_1.bin"))
        let cases: [(toml: String, set: [String], expected: [String])] = [
            ("[model]\nwidht = 3\n", [], ["bad.toml:2", "model.widht", "model.width"]),
            ("[train]\nlr = \"fast\"\n", [], ["bad.toml:2", "train.lr"]),
            ("[train]\nlr = -0.1\n", [], ["bad.toml:2", "train.lr"]),
            ("", ["train.lr=0"], ["--set", "train.lr"]),
            ("[data]\nname = \"cifar10\"\npath = \"nowhere\"\n", [], ["nowhere"]),
            ("[data]\nname = \"cifar10\"\npath = \"cifar\"\n", [], ["data_batch"]),
            ("[train\nlr = 1\n", [], ["bad.toml:1"]),
        ]
        for (toml, overrides, expected) in cases {
            try scratch.write("bad.toml", toml)
            let (status, output) = try eos(["run", "bad.toml", "--out", "out"] + overrides.flatMap { ["--set", $0] }, in: scratch.path)
            #expect(status == 1, "\(toml): \(output)")
            let lines = output.split(separator: "\n")
            #expect(lines.count == 1, "more than one line for \(toml): \(output)")
            for piece in expected { #expect(output.contains(piece), "\(toml): '\(output)' lacks \(piece)") }
            #expect(!output.contains("Fatal error") && !output.contains("Stack dump"))
        }
        // A finished run directory is never overwritten without --force.
        try scratch.write("ok.toml", configuration(steps: 2))
        #expect(try eos(["run", "ok.toml", "--out", "done"], in: scratch.path).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/done/summary.json"))
        let (status, output) = try eos(["run", "ok.toml", "--out", "done"], in: scratch.path)
        #expect(status == 1 && output.contains("--force"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/done/summary.json")) == before)
        // A malformed sweep spec too.
        try scratch.write("spec.toml", "[sweep]\nname = \"x\"\n[sweep.grid]\n\"train.lr\" = [0.1, \"a\"]\n")
        let sweep = try eos(["sweep", "spec.toml", "--out", "sweep"], in: scratch.path)
        #expect(
            sweep.status == 1 && sweep.output.split(separator: "\n").count == 1 && sweep.output.contains("spec.toml:4"), "\(sweep.output)")
        // A misspelt kernel policy is refused before anything runs.
        let policy = try eos(["run", "ok.toml", "--out", "policy"], in: scratch.path, environment: ["EOS_BLAS_KERNEL": "off"])
        #expect(policy.status == 1 && policy.output == "eos: EOS_BLAS_KERNEL=off: expected auto or keep\n", "\(policy.output)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/policy"))
    }
}
