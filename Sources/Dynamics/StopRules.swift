/// The stop rules of a plain GD run besides its step budget, as Cohen et al.'s `gd.py` has
/// them (`--loss_goal`, `--acc_goal`), plus a stop a fixed number of steps after the edge of
/// stability is reached (docs/CONFIGURATION.md §2.4, §7). Each rule is checked on the trace
/// row of θ_t just recorded, before update t: the row that meets a rule is the run's last.
public struct StopRules: Sendable, Equatable {
    /// Stop at the first row with L(θ_t) ≤ `lossGoal` (`train.loss_goal`); nil = never.
    public var lossGoal: Double?
    /// Stop at the first row whose training accuracy is ≥ `accuracyGoal` (`train.accuracy_goal`,
    /// a fraction in (0, 1]); nil = never.
    public var accuracyGoal: Double?
    /// Stop at row `eos_step + stepsAfterEdge`, where eos_step is the first row whose measured
    /// sharpness is ≥ 2/η (`train.steps_after_eos`); nil = never.
    public var stepsAfterEdge: Int?

    public init(lossGoal: Double? = nil, accuracyGoal: Double? = nil, stepsAfterEdge: Int? = nil) {
        precondition(stepsAfterEdge.map { $0 >= 0 } ?? true, "stepsAfterEdge must be >= 0")
        self.lossGoal = lossGoal
        self.accuracyGoal = accuracyGoal
        self.stepsAfterEdge = stepsAfterEdge
    }

    /// No rule: the run ends by its budget, divergence or a signal only.
    public static let none = StopRules()

    /// The reason to stop after `record`, or nil to go on. `edgeStep` is the first row at the
    /// edge (sharpness ≥ 2/η) up to and including `record`, nil while there is none. When several
    /// rules hold at once the first of loss, accuracy, steps after the edge is named.
    public func reason(after record: TraceRecord, edgeStep: Int?) -> StopReason? {
        if let lossGoal, record.loss <= lossGoal { return .lossGoal }
        if let accuracyGoal, record.accuracy >= accuracyGoal { return .accuracyGoal }
        if let stepsAfterEdge, let edgeStep, record.step >= edgeStep + stepsAfterEdge { return .stepsAfterEdge }
        return nil
    }

    /// The first row of `trace` at the edge of stability: measured sharpness ≥ `threshold`
    /// (2/η for GD), the definition of `eos_step` in the summary.
    public static func edgeStep(of trace: some Sequence<TraceRecord>, threshold: Double) -> Int? {
        trace.first { isAtEdge($0, threshold: threshold) }?.step
    }

    /// Whether `record` measured a sharpness at or above `threshold` (the preconditioned one
    /// for an adaptive optimizer, which measures it).
    public static func isAtEdge(_ record: TraceRecord, threshold: Double) -> Bool {
        guard let s = record.preconditionedSharpness ?? record.sharpness.first else { return false }
        return s >= threshold
    }
}
