import Foundation
import Configuration
import Datasets
import LinearAlgebra
import NeuralNetwork
import Dynamics

/// A run with `[track] enabled = true` (THEORY.md §6): phase A in the training precision T finds
/// the first unstable iterate t0; phase B tracks GD, θ†, v⋆ (and gradient flow) in Float64 from
/// there. Writes, besides the plain run's files, `track.csv`, `beta.csv`, `track-slow.csv`,
/// `profile.csv` and `params-track-start.safetensors`.
extension EngineRun {
    func runTracked(_ clock: inout WallClock) throws(ExperimentError) -> RunOutcome {
        let c = configuration
        let layout = objective.network.layout
        let theta0: [T] = objective.network.initialParameters(c.initialization, seed: UInt64(c.model.seed))
        try directory.write("params-init.safetensors", bytes: parameterFile(theta0, layout: layout))
        let total = c.train.steps + c.track.steps
        var trace = TraceTable(eigenvalueCount: c.sharpness.k)
        var latestSharpness: Double?
        var stopped = false

        // Phase A: find t0.
        var finderState = InstabilityFinderState(theta: theta0)
        let finder = InstabilityFinder(objective: objective, settings: InstabilityFinderSettings(
            learningRate: c.train.lr, steps: c.train.steps, every: max(1, c.sharpness.every), eigenvalueCount: c.sharpness.k,
            tolerance: c.sharpness.tol, divergeFactor: c.train.divergeFactor, eigensolverSeed: UInt64(c.model.seed)))
        let outcome = finder.run(from: &finderState, clock: &clock) { row, _ in
            if options.shouldStop?() == true { stopped = true; return .stop }
            trace.append(row)
            if let s = row.sharpness.first { latestSharpness = s }
            options.progress?(RunProgress(step: row.step, totalSteps: total, phase: "find-instability",
                                          loss: row.loss, sharpness: latestSharpness))
            return .proceed
        }
        guard case let .unstable(t0, thetaT0, _) = outcome else {
            let reason: StopReason
            if case let .stopped(r) = outcome { reason = r } else { reason = .error }
            return try finishTracked(reason: stopped ? .signal : reason, stepsDone: trace.rows.last?.step ?? 0,
                              finalTheta: finderState.theta.map { Double($0) }, trace: trace, tracking: nil, clock: &clock)
        }
        try directory.write("params-track-start.safetensors", bytes: parameterFile(thetaT0, layout: layout))

        // Phase B: track in Float64 from θ_{t0}.
        let objective64: FullBatchLoss<Double> = (objective as? FullBatchLoss<Double>) ?? c.objective(for: dataset)
        let tracker = SelfStabilizationTracker(objective: objective64, settings: SelfStabilizationTrackerSettings(
            learningRate: c.train.lr, steps: c.track.steps,
            projection: c.track.projection == .linearized
                ? .linearized(steps: c.track.projectionSteps)
                : .converged(tolerance: c.track.projectionTol, maxSteps: max(50, c.track.projectionSteps)),
            dynamics: c.track.generalized ? .generalized : .standard, gradientFlow: c.track.gradientFlow,
            eigenvalueCount: c.sharpness.k, tolerance: c.sharpness.tol, divergeFactor: c.train.divergeFactor,
            eigensolverSeed: UInt64(c.model.seed)))
        var tables = TrackingTables(gradientFlow: c.track.gradientFlow)
        var state = clock.time(.tracking) {
            tracker.start(at: thetaT0.map { Double($0) }, step: t0, initialLoss: Double(finderState.initialLoss ?? 0))
        }
        let reason = tracker.run(from: &state, clock: &clock) { step, _ in
            if options.shouldStop?() == true { stopped = true; return .stop }
            if let row = step.trace { trace.append(row) }
            tables.append(step)
            options.progress?(RunProgress(step: step.track.step, totalSteps: total, phase: "track",
                                          loss: step.track.gdLoss, sharpness: step.track.gdSharpness))
            return .proceed
        }
        let summary = TrackingSummary(trackStartStep: t0, track: tables.track, lambda2: tables.lambda2, learningRate: c.train.lr)
        return try finishTracked(reason: stopped ? .signal : reason, stepsDone: state.step, finalTheta: state.theta,
                          trace: trace, tracking: (tables, summary), clock: &clock)
    }

    private func finishTracked(reason: StopReason, stepsDone: Int, finalTheta: [Double], trace: TraceTable,
                        tracking: (tables: TrackingTables, summary: TrackingSummary)?,
                        clock: inout WallClock) throws(ExperimentError) -> RunOutcome {
        let layout = objective.network.layout
        let final: [UInt8] = tracking == nil ? parameterFile(finalTheta.map { T($0) }, layout: layout)
                                             : parameterFile(finalTheta, layout: layout)
        try directory.write("params-final.safetensors", bytes: final)
        var files = ["trace.csv": trace.text]
        if let tracking {
            for (name, text) in tracking.tables.files { files[name] = text }
        }
        for (name, text) in files { try directory.write(name, text: text) }
        var summary = RunSummary(
            stopReason: reason, stepsDone: stepsDone,
            eos: EdgeOfStabilitySummary(trace: trace.rows, learningRate: configuration.train.lr,
                                       sharpnessAt: tracking == nil ? .midpoint : .iterate),
            timings: clock.timings, error: nil, resumedFromCheckpoint: false)
        if let s = tracking?.summary {
            summary.tracking = [
                "track_start_step": .integer(s.trackStartStep), "dist_median": number(s.distMedian),
                "dist_max": number(s.distMax), "pred_error_median": number(s.predErrorMedian),
                "loss_pred_rel_error_median": number(s.lossPredRelErrorMedian),
                "sharpness_pred_rel_error_median": number(s.sharpnessPredRelErrorMedian),
                "gf_dist_median": number(s.gfDistMedian), "lambda2_max_ratio": number(s.lambda2MaxRatio),
            ]
        }
        let text = summary.text
        try directory.write("summary.json", text: text)
        return RunOutcome(status: reason.status, stopReason: reason.rawValue, stepsDone: stepsDone, summaryJSON: text,
                          files: files, resumedFromCheckpoint: false)
    }
}

/// The phase-B CSV files: `track.csv`, `beta.csv` (s,t,beta), `track-slow.csv` (step,lambda2)
/// and `profile.csv` (step,x,loss).
struct TrackingTables {
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

    var files: [String: String] {
        ["track.csv": trackText, "beta.csv": betaText, "track-slow.csv": slowText, "profile.csv": profileText]
    }
}
