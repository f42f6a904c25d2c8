import Foundation
import Configuration
import Datasets
import LinearAlgebra
import NeuralNetwork
import Dynamics
import RunRecord

/// A run with `[track] enabled = true` (docs/THEORY.md §6): phase A in the training precision T finds
/// the first unstable iterate t0; phase B tracks GD, θ†, v⋆ (and gradient flow) in Float64 from
/// there. Writes, besides the plain run's files, `track.csv`, `beta.csv`, `track-slow.csv`,
/// `profile.csv` and `params-track-start.safetensors`.
extension EngineRun {
    func runTracked(_ clock: inout WallClock) throws(ExperimentError) -> RunOutcome {
        let c = configuration
        let theta0: [T] = objective.network.initialParameters(c.initialization, seed: UInt64(c.model.seed))
        try directory.write("params-init.safetensors", bytes: parameterFile(theta0, network: objective.network))
        // Phase A's bar counts to its budget (c.train.steps); phase B's to t0 + track.steps.
        let checkpoint = try TrackedCheckpoint<T>.load(from: directory, configJSON: configJSON)
        var trace = TraceTable(eigenvalueCount: c.sharpness.k)
        checkpoint?.trace.forEach { trace.append($0) }
        var tables = checkpoint?.tables ?? TrackingTables(gradientFlow: c.track.gradientFlow)
        // A live track.csv of an earlier attempt that got further than its checkpoint goes; phase
        // B starts it again (a run resumed in phase B: at once, with the rows it kept).
        let inPhaseB = checkpoint?.tracker != nil
        if !inPhaseB { try? FileManager.default.removeItem(atPath: directory.path("track.csv")) }
        var host = RunHost(options: options, trace: trace, directory: directory, track: inPhaseB ? tables.trackCSV : nil)

        // Phase A: find t0 (skipped when the checkpoint is already in phase B).
        let tracker = SelfStabilizationTracker(objective: objective64, settings: trackerSettings)
        var state: SelfStabilizationTrackerState
        if let resumedState = checkpoint?.tracker {
            state = resumedState
        } else {
            switch try findInstability(
                from: theta0, checkpoint: checkpoint, tables: tables, trace: &trace, host: &host, clock: &clock)
            {
            case .ended(let reason, let stepsDone, let finalTheta):
                return try finishTracked(
                    reason: reason, stepsDone: stepsDone, finalTheta: finalTheta, trace: trace, tracking: nil,
                    resumed: checkpoint != nil, checkpointError: host.checkpointFailure, clock: &clock)
            case .unstable(let t0, let thetaT0, let initialLoss):
                try directory.write("params-track-start.safetensors", bytes: parameterFile(thetaT0, network: objective.network))
                state = clock.time(.tracking) { tracker.start(at: thetaT0.map { Double($0) }, step: t0, initialLoss: initialLoss) }
            }
        }

        // Phase B: track in Float64 from θ_{t0}.
        let reason = tracker.run(from: &state, clock: &clock) { step, rowStart in
            if host.shouldStop() { return .stop }
            host.checkpointIfDue { () throws(ExperimentError) in
                try TrackedCheckpoint<T>(config: configJSON, finder: nil, tracker: rowStart, trace: trace.rows, tables: tables)
                    .write(to: directory)
            }
            if let row = step.trace { trace.append(row) }
            tables.append(step)
            host.publish(trace: trace, track: tables.trackCSV)
            host.report(
                step: step.track.step, of: rowStart.startStep + c.track.steps, phase: "track",
                loss: step.track.gdLoss, sharpness: step.track.gdSharpness)
            return .proceed
        }
        if host.stopped {
            try TrackedCheckpoint<T>(config: configJSON, finder: nil, tracker: state, trace: trace.rows, tables: tables)
                .write(to: directory)
        } else {
            TrackedCheckpoint<T>.remove(from: directory)
        }
        let summary = TrackingSummary(
            trackStartStep: state.startStep, track: tables.track, lambda2: tables.lambda2,
            learningRate: c.train.lr)
        return try finishTracked(
            reason: host.stopped ? .signal : reason, stepsDone: state.step, finalTheta: state.theta,
            trace: trace, tracking: (tables, summary), resumed: checkpoint != nil,
            checkpointError: host.checkpointFailure, clock: &clock)
    }

    /// The loss in Float64 for phase B (the training objective itself when it is Float64).
    private var objective64: FullBatchLoss<Double> {
        (objective as? FullBatchLoss<Double>) ?? configuration.objective(objective.network, for: dataset)
    }

    private var trackerSettings: SelfStabilizationTrackerSettings {
        let c = configuration
        return SelfStabilizationTrackerSettings(
            learningRate: c.train.lr, steps: c.track.steps,
            projection: projectionMethod,
            dynamics: c.track.generalized ? .generalized : .standard, gradientFlow: c.track.gradientFlow,
            eigenvalueCount: c.sharpness.k, tolerance: c.sharpness.tol, divergeFactor: c.train.divergeFactor,
            eigensolverSeed: UInt64(c.model.seed))
    }

    /// `[track] projection` as the engine's method (a total switch: a new case is a compile error).
    private var projectionMethod: ProjectionMethod {
        let t = configuration.track
        switch t.projection {
        case .linearized: return .linearized(steps: t.projectionSteps)
        case .converged: return .converged(tolerance: t.projectionTol, maxSteps: max(50, t.projectionSteps))
        }
    }

    private func finishTracked(
        reason: StopReason, stepsDone: Int, finalTheta: [Double], trace: TraceTable,
        tracking: (tables: TrackingTables, summary: TrackingSummary)?, resumed: Bool,
        checkpointError: String?, clock: inout WallClock
    ) throws(ExperimentError) -> RunOutcome {
        let final: [UInt8] =
            tracking == nil
            ? parameterFile(finalTheta.map { T($0) }, network: objective.network)
            : parameterFile(finalTheta, network: objective.network)
        try directory.write("params-final.safetensors", bytes: final)
        var files = ["trace.csv": trace.text]
        if let tracking {
            for (name, text) in tracking.tables.files { files[name] = text }
        }
        for (name, text) in files { try directory.write(name, text: text) }
        let summary = RunSummary(
            reason: reason, stepsDone: stepsDone,
            eos: EdgeOfStabilitySummary(
                trace: trace.rows, learningRate: configuration.train.lr,
                sharpnessAt: tracking == nil ? .midpoint : .iterate),
            tracking: tracking?.summary, timings: clock.timings, resumedFromCheckpoint: resumed,
            checkpointError: checkpointError)
        return try RunOutcome(writing: summary, files: files, to: directory)
    }
}

/// The phase-B CSV files: `track.csv`, `beta.csv` (s,t,beta), `track-slow.csv` (step,lambda2)
/// and `profile.csv` (step,x,loss).
struct TrackingTables: Codable {
    let gradientFlow: Bool
    private(set) var track: [TrackRecord] = []
    private(set) var lambda2: [Lambda2Record] = []
    private var trackText: String
    private var betaText = CSVNumber.line(["s", "t", "beta"])
    private var slowText = CSVNumber.line(["step", "lambda2"])
    private var profileText = CSVNumber.line(["step", "x", "loss"])

    init(gradientFlow: Bool) {
        self.gradientFlow = gradientFlow
        trackText = CSVNumber.line(TrackRecord.columns(gradientFlow: gradientFlow))
    }

    mutating func append(_ step: TrackingStep) {
        track.append(step.track)
        let values = step.track.values(gradientFlow: gradientFlow)
        trackText += CSVNumber.line([String(step.track.step)] + values.dropFirst().map { CSVNumber.format($0) })
        for b in step.beta { betaText += CSVNumber.line([String(b.s), String(b.t), CSVNumber.format(b.beta)]) }
        if let l = step.lambda2 {
            lambda2.append(l)
            slowText += CSVNumber.line([String(l.step), CSVNumber.format(l.lambda2)])
        }
        for p in step.profile {
            profileText += CSVNumber.line([String(p.step), CSVNumber.format(p.x), CSVNumber.format(p.loss)])
        }
    }

    /// `track.csv` so far.
    var trackCSV: String { trackText }

    var files: [String: String] {
        ["track.csv": trackText, "beta.csv": betaText, "track-slow.csv": slowText, "profile.csv": profileText]
    }
}
