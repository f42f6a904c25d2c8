import Foundation
import SweepJournal

/// Small, fixed inputs for the report tests: a 2 × 2 sweep journal (η ∈ {0.5, 1} × width ∈
/// {8, 16}) written through the journal API, and a tracked run directory. Traces are closed
/// forms, not engine output: sharpness S_t = (2/η)·min(1, 0.2 + 0.05t)·(1 + 0.02·(−1)^t),
/// measured every 5 steps; loss L_t = e^{−t/10}·(1 + 0.3·[S_t ≥ 2/η and t odd]).
enum ReportFixtures {
    static let steps = 40

    static func trace(eta: Double, divergeAt: Int? = nil) -> String {
        var lines = ["step,loss,accuracy,grad_norm,sharpness,sharpness_at"]
        for t in 0...steps {
            let s = sharpness(eta: eta, t: t)
            var loss = Foundation.exp(-Double(t) / 10) * (s >= 2 / eta && t % 2 == 1 ? 1.3 : 1)
            if let divergeAt, t >= divergeAt { loss = t == steps ? .infinity : loss * Foundation.pow(10, Double(t - divergeAt)) }
            let measured = t % 5 == 0
            lines.append("\(t),\(csv(loss)),0.5,0.1,\(measured ? csv(s) : ""),\(measured ? "iterate" : "")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func sharpness(eta: Double, t: Int) -> Double {
        (2 / eta) * min(1, 0.2 + 0.05 * Double(t)) * (1 + 0.02 * (t % 2 == 0 ? 1 : -1))
    }

    /// track.csv from t0 = 20: x alternates in sign with a growing-then-collapsing |x|, y = 0.1 − x²,
    /// θ† on the constraint (S(θ†) = 2/η), prediction = 0.9 × GD's displacement.
    static func track(eta: Double) -> String {
        var lines = [
            "step,gd_loss,gd_sharpness,dagger_loss,dagger_sharpness,x,y,pred_x,pred_y,dist,pred_dist,"
                + "pred_loss,pred_sharpness,gf_loss,gf_dist"
        ]
        for t in 20...steps {
            let k = Double(t - 20)
            let magnitude = 0.05 + 0.3 * Double((t - 20) % 8) / 8
            let x = (t % 2 == 0 ? 1 : -1) * magnitude, y = 0.1 - x * x
            let dagger = 0.2 * Foundation.exp(-k / 20)
            let values = [
                dagger + x * x / eta, 2 / eta + y, dagger, 2 / eta, x, y, 0.9 * x, 0.9 * y,
                (x * x + y * y).squareRoot(), 0.9 * (x * x + y * y).squareRoot(), dagger + x * x / eta,
                2 / eta + y, 0.8 * dagger, 0.01 * (k + 1),
            ]
            lines.append("\(t)," + values.map(csv).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func csv(_ x: Double) -> String {
        x.isFinite ? "\(x)" : (x.isNaN ? "nan" : "inf")
    }

    static func config(eta: Double, width: Int, tracked: Bool) -> String {
        """
        {"data":{"name":"synthetic","n":64,"classes_subset":[]},"loss":{"name":"mse"},\
        "model":{"activation":"tanh","arch":"mlp","depth":1,"width":\(width)},\
        "track":{"enabled":\(tracked)},"train":{"lr":\(eta),"precision":"float64","steps":\(steps)}}
        """
    }

    static func summary(eta: Double, status: String, eosStep: Int?, ratio: Double?, tracked: Bool) -> String {
        let tracking = tracked ? ",\"track_start_step\":20,\"dist_median\":0.12,\"gf_dist_median\":0.2" : ""
        return """
            {"status":"\(status)","stop_reason":"\(status == "diverged" ? "diverged" : "steps")",\
            "steps_done":\(steps),"two_over_eta":\(2 / eta),"sharpness_at":"iterate",\
            "eos_step":\(eosStep.map(String.init) ?? "null"),"sharpness_ratio_median":\(ratio.map { "\($0)" } ?? "null"),\
            "max_sharpness":\(2 / eta * 1.02),"final_loss":0.0183,"final_accuracy":0.5\(tracking)}
            """
    }

    static func key(_ i: Int) -> String {
        String(repeating: String(i), count: 64)
    }

    /// The journal: (η 0.5, width 8) tracked and done; (1, 8) done; (0.5, 16) diverged;
    /// (1, 16) failed after one attempt. Returns its path.
    static func makeJournal(in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("journal.sqlite").path
        let journal = try SweepJournal.openAsCoordinator(path: path, now: 1000)
        let cells: [(eta: Double, width: Int)] = [(0.5, 8), (1, 8), (0.5, 16), (1, 16)]
        let tasks = cells.enumerated().map { i, cell in
            (
                key: key(i + 1), configJSON: config(eta: cell.eta, width: cell.width, tracked: i == 0),
                gridJSON: "{\"train.lr\":\(cell.eta),\"model.width\":\(cell.width)}"
            )
        }
        _ = try journal.synchronize(
            sweepName: "golden", specText: "[sweep]\nname = \"golden\"\n",
            toolVersion: "test", tasks: tasks, now: 1000)
        for (i, cell) in cells.enumerated() {
            let lease = try journal.lease(worker: "w", now: 1001, leaseDuration: 60)!
            switch i {
            case 3:
                _ = try journal.fail(
                    taskKey: lease.taskKey, leaseID: lease.leaseID,
                    error: "worker crashed", maxAttempts: 1, now: 1002)
            case 2:
                _ = try journal.complete(
                    taskKey: lease.taskKey, leaseID: lease.leaseID,
                    summaryJSON: summary(eta: cell.eta, status: "diverged", eosStep: 15, ratio: nil, tracked: false),
                    files: ["trace.csv": trace(eta: cell.eta, divergeAt: 30)], resumed: false, now: 1002)
            default:
                var files = ["trace.csv": trace(eta: cell.eta)]
                if i == 0 { files["track.csv"] = track(eta: cell.eta) }
                _ = try journal.complete(
                    taskKey: lease.taskKey, leaseID: lease.leaseID,
                    summaryJSON: summary(
                        eta: cell.eta, status: "completed", eosStep: 15, ratio: 0.995 - 0.01 * Double(i),
                        tracked: i == 0),
                    files: files, resumed: false, now: 1002)
            }
        }
        try journal.close(now: 1003)
        return path
    }

    /// A tracked run directory "track-run" (η = 0.5, width 8) with the files eos run writes that the report reads.
    static func makeRunDirectory(in folder: URL) throws -> String {
        let directory = folder.appendingPathComponent("track-run")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let files = [
            "config.json": config(eta: 0.5, width: 8, tracked: true),
            "summary.json": summary(eta: 0.5, status: "completed", eosStep: 15, ratio: 0.995, tracked: true),
            "trace.csv": trace(eta: 0.5), "track.csv": track(eta: 0.5),
        ]
        for (name, text) in files {
            try Data(text.utf8).write(to: directory.appendingPathComponent(name))
        }
        return directory.path
    }

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("eos-report-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
