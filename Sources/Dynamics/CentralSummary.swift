/// The central-flow fields of the summary (docs/CONFIGURATION.md §6), from the rows of
/// `central.csv`; nil when no row applies.
public struct CentralSummary: Sendable, Equatable {
    /// The step the side-by-side run started from.
    public let startStep: Int
    /// Median over the rows after the start of |GD 2-step-average loss − predicted loss| / |GD
    /// 2-step-average loss| (rows where that average is 0 are left out).
    public let lossErrorMedian: Double?
    /// ‖θ − w‖ / ‖θ − w_GF‖ at the last row (nil without gradient flow or when ‖θ − w_GF‖ = 0).
    public let distanceRatio: Double?
    /// The most critical directions at any row.
    public let directionsMax: Int?

    public init(startStep: Int, rows: [CentralRecord]) {
        self.startStep = startStep
        lossErrorMedian = quantile(
            rows.compactMap { r in
                r.gdLossAverage.flatMap { avg in avg != 0 ? abs(avg - r.predictedLoss) / abs(avg) : nil }
            }, 0.5)
        if let last = rows.last, let gf = last.gfDist, gf > 0 {
            distanceRatio = last.dist / gf
        } else {
            distanceRatio = nil
        }
        directionsMax = rows.map(\.critical).max()
    }
}
