import LinearAlgebra
import Dynamics

/// Phase A of a tracked or central run (docs/THEORY.md §6): GD in the training precision T
/// until the first unstable iterate t0, resumed from and checkpointed into `checkpoint.json`
/// (`TrackedCheckpoint`, whose phase-B part stays empty here).
enum InstabilitySearch<T: BLASScalar> {
    /// Where phase A ended: at t0 (phase B follows), or without an instability — budget spent,
    /// divergence, a stop — with the reason and GD's last iterate.
    enum Outcome {
        case unstable(step: Int, theta: [T], initialLoss: Double)
        case ended(reason: StopReason, stepsDone: Int, finalTheta: [Double])
    }
}

extension EngineRun {
    /// Runs phase A from θ₀ (or the finder state of `checkpoint`), appending its rows to `trace`;
    /// `tables` is what the checkpoints keep of phase B (empty so far). A stopped search leaves a
    /// checkpoint at its last checked state (rows after it are computed again on resume), any
    /// other end removes the checkpoint.
    func findInstability(
        from theta0: [T], checkpoint: TrackedCheckpoint<T>?, tables: TrackingTables, trace: inout TraceTable,
        host: inout RunHost, clock: inout WallClock
    ) throws(ExperimentError) -> InstabilitySearch<T>.Outcome {
        let c = configuration
        var finderState = checkpoint?.finder ?? InstabilityFinderState(theta: theta0)
        let finder = InstabilityFinder(
            objective: objective,
            settings: InstabilityFinderSettings(
                learningRate: c.train.lr, steps: c.train.steps, every: max(1, c.sharpness.every), eigenvalueCount: c.sharpness.k,
                tolerance: c.sharpness.tol, divergeFactor: c.train.divergeFactor, eigensolverSeed: UInt64(c.model.seed)))
        // The last checked state whose rows have all been emitted: where a stopped run resumes.
        var resumePoint = checkpoint?.finder
        let outcome = finder.run(from: &finderState, clock: &clock) { row, checked in
            if host.shouldStop() { return .stop }
            trace.append(row)
            host.publish(trace: trace)
            host.report(step: row.step, of: c.train.steps, phase: "find-instability", loss: row.loss, sharpness: row.sharpness.first)
            if let checked {
                resumePoint = checked
                host.checkpointIfDue { () throws(ExperimentError) in
                    try TrackedCheckpoint(config: configJSON, finder: checked, tracker: nil, trace: trace.rows, tables: tables)
                        .write(to: directory)
                }
            }
            return .proceed
        }
        if case .unstable(let t0, let thetaT0, _) = outcome {
            return .unstable(step: t0, theta: thetaT0, initialLoss: Double(finderState.initialLoss ?? 0))
        }
        let reason: StopReason
        if case .stopped(let r) = outcome { reason = r } else { reason = .error }
        if host.stopped {
            // Rows after the resume point are computed again by the resumed run.
            let kept = trace.rows.filter { $0.step <= (resumePoint?.checkedStep ?? -1) }
            try TrackedCheckpoint(config: configJSON, finder: resumePoint, tracker: nil, trace: kept, tables: tables)
                .write(to: directory)
        } else {
            TrackedCheckpoint<T>.remove(from: directory)
        }
        return .ended(
            reason: host.stopped ? .signal : reason, stepsDone: trace.rows.last?.step ?? 0,
            finalTheta: finderState.theta.map { Double($0) })
    }
}
