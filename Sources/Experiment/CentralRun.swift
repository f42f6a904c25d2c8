import Foundation
import Configuration
import Datasets
import LinearAlgebra
import NeuralNetwork
import Dynamics
import RunRecord

/// A run with `[central] enabled = true` (docs/THEORY.md §10): with `start = "instability"`,
/// phase A in the training precision T finds the first unstable iterate t0 (as a tracked run
/// does); then, in Float64, GD, its central flow and gradient flow run side by side from θ_{t0}
/// (or from θ₀ with `start = "init"`) for `central.steps` steps. Writes, besides the plain run's
/// files, `central.csv` (also every 50 rows while it runs) and `params-central-start.safetensors`.
/// Like a tracked run it keeps `checkpoint.json` (`TrackedCheckpoint`: phase A's finder, or the
/// side-by-side state with the rows so far) every `checkpoint_every` seconds and when stopped; a
/// resumed run continues bit for bit.
extension EngineRun {
    func runCentral(_ clock: inout WallClock) throws(ExperimentError) -> RunOutcome {
        let c = configuration
        let theta0: [T] = objective.network.initialParameters(c.initialization, seed: UInt64(c.model.seed))
        try directory.write("params-init.safetensors", bytes: parameterFile(theta0, network: objective.network))
        let checkpoint = try TrackedCheckpoint<T>.load(from: directory, configJSON: configJSON)
        var trace = TraceTable(eigenvalueCount: c.sharpness.k)
        checkpoint?.trace.forEach { trace.append($0) }
        var host = RunHost(options: options, trace: trace, directory: directory)
        let objective64 = centralObjective64
        // Phase A's rows are not tracking tables; a central checkpoint keeps them empty.
        let noTables = TrackingTables(gradientFlow: false)

        let run = CentralFlowRun(objective: objective64, settings: centralRunSettings)
        var state: CentralFlowRunState
        var table = checkpoint?.centralTable ?? CentralTable(gradientFlow: c.central.gradientFlow)
        if let resumed = checkpoint?.central {
            state = resumed
        } else {
            let start: (theta: [Double], step: Int, initialLoss: Double)
            switch c.central.start {
            case .initialization:
                let theta = theta0.map { Double($0) }
                start = (theta, 0, objective64.loss(at: theta))
            case .instability:
                switch try findInstability(
                    from: theta0, checkpoint: checkpoint, tables: noTables, trace: &trace, host: &host, clock: &clock)
                {
                case .ended(let reason, let stepsDone, let finalTheta):
                    return try finishCentral(
                        reason: reason, stepsDone: stepsDone, finalTheta: finalTheta, trace: trace, table: nil, summary: nil,
                        resumed: checkpoint != nil, clock: &clock, checkpointError: host.checkpointFailure)
                case .unstable(let t0, let thetaT0, let initialLoss):
                    start = (thetaT0.map { Double($0) }, t0, initialLoss)
                }
            }
            try directory.write("params-central-start.safetensors", bytes: parameterFile(start.theta, network: objective.network))
            state = run.start(at: start.theta, step: start.step, initialLoss: start.initialLoss)
        }

        let total = state.startStep + c.central.steps
        let reason = run.run(from: &state, emitStartTrace: c.central.start == .initialization, clock: &clock) { step, rowStart in
            if host.shouldStop() { return .stop }
            host.checkpointIfDue { () throws(ExperimentError) in
                try TrackedCheckpoint<T>(
                    config: configJSON, finder: nil, tracker: nil, trace: trace.rows, tables: noTables, central: rowStart,
                    centralTable: table
                ).write(to: directory)
            }
            if let first = step.growth.first, let last = step.growth.last {
                options.log(
                    "central: at step \(step.central.step) all \(first - 1) tracked eigenvalues are critical "
                        + "(λ > \(c.central.threshold)/η); k grows to \(last)")
            }
            if let row = step.trace {
                trace.append(row)
                host.publish(trace: trace)
            }
            table.append(step.central)
            // central.csv so far every 50 rows, to follow a long run (a failed write waits for the end).
            if table.rows.count % 50 == 0 { try? directory.write("central.csv", text: table.text) }
            host.report(
                step: step.central.step, of: total, phase: "central", loss: step.central.gdLoss,
                sharpness: step.central.gdEigenvalues.first)
            return .proceed
        }
        if host.stopped {
            try TrackedCheckpoint<T>(
                config: configJSON, finder: nil, tracker: nil, trace: trace.rows, tables: noTables, central: state,
                centralTable: table
            ).write(to: directory)
        } else {
            TrackedCheckpoint<T>.remove(from: directory)
        }
        let summary = CentralSummary(startStep: state.startStep, rows: table.rows)
        return try finishCentral(
            reason: host.stopped ? .signal : reason, stepsDone: state.step, finalTheta: state.theta, trace: trace,
            table: table, summary: summary, resumed: checkpoint != nil, clock: &clock, checkpointError: host.checkpointFailure)
    }

    /// The loss in Float64 (the training objective itself when it is Float64).
    private var centralObjective64: FullBatchLoss<Double> {
        (objective as? FullBatchLoss<Double>) ?? configuration.objective(objective.network, for: dataset)
    }

    /// `[central]` (with `train.lr`, `sharpness.tol`, `train.diverge_factor`) as the engine's settings.
    var centralRunSettings: CentralFlowRunSettings {
        let c = configuration
        return CentralFlowRunSettings(
            flow: CentralFlowSettings(
                learningRate: c.train.lr, threshold: c.central.threshold, substeps: c.central.substeps,
                tolerance: c.sharpness.tol, eigensolverSeed: UInt64(c.model.seed)),
            steps: c.central.steps, eigenvalueCount: c.central.k, gradientFlow: c.central.gradientFlow,
            divergeFactor: c.train.divergeFactor)
    }

    private func finishCentral(
        reason: StopReason, stepsDone: Int, finalTheta: [Double], trace: TraceTable, table: CentralTable?,
        summary central: CentralSummary?, resumed: Bool, clock: inout WallClock, checkpointError: String?
    ) throws(ExperimentError) -> RunOutcome {
        let final: [UInt8] =
            table == nil
            ? parameterFile(finalTheta.map { T($0) }, network: objective.network)
            : parameterFile(finalTheta, network: objective.network)
        try directory.write("params-final.safetensors", bytes: final)
        var files = ["trace.csv": trace.text]
        if let table { files["central.csv"] = table.text }
        for (name, text) in files { try directory.write(name, text: text) }
        var summary = RunSummary(
            reason: reason, stepsDone: stepsDone,
            eos: EdgeOfStabilitySummary(
                trace: trace.rows, learningRate: configuration.train.lr, sharpnessAt: table == nil ? .midpoint : .iterate),
            tracking: nil, timings: clock.timings, resumedFromCheckpoint: resumed, checkpointError: checkpointError)
        if let central {
            summary.centralLossErrorMedian = central.lossErrorMedian
            summary.centralDistanceRatio = central.distanceRatio
            summary.centralDirectionsMax = central.directionsMax
        }
        return try RunOutcome(writing: summary, files: files, to: directory)
    }
}

/// `central.csv`: one row per GD step (`CentralRecord.columns`), its lists as wide as the largest
/// k of the run (k can grow), so the text is made at the end.
struct CentralTable: Codable {
    let gradientFlow: Bool
    private(set) var rows: [CentralRecord] = []

    init(gradientFlow: Bool) { self.gradientFlow = gradientFlow }

    mutating func append(_ row: CentralRecord) { rows.append(row) }

    var text: String {
        let width = rows.map { max($0.k, $0.critical) }.max() ?? 1
        let columns = CentralRecord.columns(width: width, gradientFlow: gradientFlow)
        let integers: Set<String> = [
            "step", "critical", "k", "flow_gradients", "flow_hvps", "flow_third_derivatives", "sdcp_iterations",
        ]
        var text = CSVNumber.line(columns)
        for row in rows {
            let values = row.values(width: width, gradientFlow: gradientFlow)
            text += CSVNumber.line(
                zip(columns, values).map { name, value in
                    integers.contains(name) ? value.map { String(Int($0)) } ?? "" : CSVNumber.format(value)
                })
        }
        return text
    }
}
