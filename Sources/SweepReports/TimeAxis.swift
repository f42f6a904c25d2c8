/// The horizontal axis of the figures over time (`eos report --time`): GD steps t, or η·t, the
/// time of gradient flow that t steps of size η follow — Cohen et al.'s axis for comparing runs
/// of different learning rates on one time scale.
public enum TimeAxis: String, Sendable, CaseIterable {
    /// t, the GD step.
    case steps
    /// η·t.
    case lrSteps = "lr-steps"

    /// The axis label.
    var label: String {
        switch self {
        case .steps: "step t"
        case .lrSteps: "time η·t"
        }
    }

    /// `points` (x = step) with x mapped to this axis for a run of step size `eta`; with η·t and
    /// no η known, nothing (the run cannot be placed on the axis).
    func points(_ points: [(x: Double, y: Double)], eta: Double?) -> [(x: Double, y: Double)] {
        switch self {
        case .steps: return points
        case .lrSteps:
            guard let eta, eta.isFinite, eta > 0 else { return [] }
            return points.map { (x: $0.x * eta, y: $0.y) }
        }
    }
}

extension ReportRun {
    /// η: 2 / `two_over_eta` of the run's summary, else the configuration's `train.lr` (a running task).
    var learningRate: Double? {
        if let twoOverEta = summary?.twoOverEta, twoOverEta.isFinite, twoOverEta > 0 { return 2 / twoOverEta }
        return config["train.lr"]?.number
    }
}
