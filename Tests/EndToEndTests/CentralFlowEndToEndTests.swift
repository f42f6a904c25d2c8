import Testing
import Foundation

/// `[central]` through `eos run` (docs/THEORY.md §10): GD, its central flow and gradient flow on
/// the bundled digits, central.csv and the summary fields; bad `[central]` input exits 1 in one line.
@Suite(.serialized, .enabled(if: EOSBinary.isAvailable)) struct CentralFlowEndToEndTests {
    @Test("a central run on 10-class digits writes central.csv, its summary fields and the k-growth log line")
    func centralRunOnDigits() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(
            "central.toml",
            """
            [data]
            name = "digits"
            n = 300
            [model]
            depth = 2
            width = 32
            [train]
            lr = 0.5
            steps = 400
            [sharpness]
            tol = 1e-6
            [central]
            enabled = true
            steps = 12
            k = 1

            """)
        let run = try eos(["run", "central.toml", "--out", "run"], in: scratch.path, seconds: 600)
        #expect(run.status == 0, "\(run.output)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.path + "/run/summary.json")))
                as? [String: Any])
        #expect(summary["stop_reason"] as? String == "steps")
        #expect(summary["central_loss_error_median"] is Double && summary["central_distance_ratio"] is Double)
        let directions = try #require(summary["central_directions_max"] as? Int)
        #expect(directions >= 1)
        #expect(summary["track_start_step"] is NSNull)
        let text = try String(contentsOfFile: scratch.path + "/run/central.csv", encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 14, "header + 13 rows (the start and 12 steps)")
        let header = lines[0].split(separator: ",").map(String.init)
        for column in [
            "step", "gd_loss", "gd_loss_avg2", "central_loss", "pred_loss", "gf_loss", "critical", "k", "dist", "gf_dist",
            "gd_lambda_1", "flow_lambda_1", "sigma_1", "gd_disp2_1",
        ] {
            #expect(header.contains(column), "\(column) missing from \(header)")
        }
        // k started at 1: with a critical direction it grew, and the run said so.
        if directions >= 1 {
            #expect(run.output.contains("k grows to 2"), "\(run.output)")
            #expect(header.contains("gd_lambda_2"))
        }
        let config = try String(contentsOfFile: scratch.path + "/run/config.json", encoding: .utf8)
        #expect(config.contains("\"central\"") && config.contains("\"substeps\": 4"))
    }

    @Test("bad [central] input: one line naming the key, exit 1")
    func badCentralInput() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("both.toml", "[track]\nenabled = true\n[central]\nenabled = true\n")
        try scratch.write("central.toml", "[central]\nenabled = true\n")
        for (arguments, key) in [
            (["both.toml"], "central.enabled"), (["central.toml", "--set", "central.threshold=2.5"], "central.threshold"),
            (["central.toml", "--set", "central.substeps=0"], "central.substeps"),
            (["central.toml", "--set", "central.k=0"], "central.k"),
        ] {
            let run = try eos(["run"] + arguments + ["--out", "run"], in: scratch.path)
            #expect(run.status == 1, "\(run.output)")
            let lines = run.output.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains(key), "\(run.output)")
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/run"))
    }
}
