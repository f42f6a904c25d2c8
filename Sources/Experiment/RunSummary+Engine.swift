import Configuration
import Dynamics
import LinearAlgebra
import RunRecord

/// The engine's results as a run record: the one place where the engine's stop reasons and
/// summaries meet `summary.json`'s fields.
extension RunSummary {
    /// The summary of a run that ended for `reason` after `stepsDone` steps, with the EoS summary
    /// of its trace, the tracking summary when it tracked, the BLAS threads in force now, and the
    /// last checkpoint write that failed.
    init(
        reason: StopReason, stepsDone: Int, eos: EdgeOfStabilitySummary, tracking: TrackingSummary?,
        timings: [String: Double], resumedFromCheckpoint: Bool, checkpointError: String?
    ) {
        self.init(
            stopReason: RunStopReason(reason), stepsDone: stepsDone, timings: timings,
            resumedFromCheckpoint: resumedFromCheckpoint, blasThreads: BLASThreads.current)
        self.checkpointError = checkpointError
        twoOverEta = eos.twoOverEta
        threshold = eos.threshold
        sharpnessAt = RunConfiguration.SharpnessPoint(eos.sharpnessAt)
        eosStep = eos.eosStep
        sharpnessRatioMedian = eos.sharpnessRatioMedian
        sharpnessRatioP10 = eos.sharpnessRatioP10
        sharpnessRatioP90 = eos.sharpnessRatioP90
        maxSharpness = eos.maxSharpness
        finalLoss = eos.finalLoss
        finalAccuracy = eos.finalAccuracy
        lossNonmonotoneSteps = eos.lossNonmonotoneSteps
        if let tracking {
            trackStartStep = tracking.trackStartStep
            distMedian = tracking.distMedian
            distMax = tracking.distMax
            predErrorMedian = tracking.predErrorMedian
            lossPredRelErrorMedian = tracking.lossPredRelErrorMedian
            sharpnessPredRelErrorMedian = tracking.sharpnessPredRelErrorMedian
            gfDistMedian = tracking.gfDistMedian
            lambda2MaxRatio = tracking.lambda2MaxRatio
        }
    }
}

extension RunStopReason {
    /// The record's name for the engine's reason.
    init(_ reason: StopReason) {
        switch reason {
        case .steps: self = .steps
        case .lossGoal: self = .lossGoal
        case .accuracyGoal: self = .accuracyGoal
        case .stepsAfterEdge: self = .stepsAfterEdge
        case .lambda2: self = .lambda2
        case .noInstability: self = .noInstability
        case .diverged: self = .diverged
        case .signal: self = .signal
        case .error: self = .error
        }
    }
}

extension RunConfiguration.SharpnessPoint {
    /// The configuration's name for where the engine measured S.
    init(_ location: SharpnessLocation) {
        switch location {
        case .iterate: self = .iterate
        case .midpoint: self = .midpoint
        }
    }
}
