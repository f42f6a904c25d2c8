/// The tracking fields of the EoS summary (docs/CONFIGURATION.md §6), from the phase-B
/// rows of `track.csv` and `track-slow.csv`. Medians are `quantile(_, 0.5)`; nil when no row applies.
public struct TrackingSummary: Sendable, Equatable {
    /// t0
    public let trackStartStep: Int
    /// Median and max of ‖θ − θ†‖.
    public let distMedian: Double?
    public let distMax: Double?
    /// Median of ‖θ − θ† − v⋆‖ / ‖θ − θ†‖ over rows with ‖θ − θ†‖ > 0.
    public let predErrorMedian: Double?
    /// Median of |L − pred_loss| / |L − L(θ†)| over rows with |L − L(θ†)| > 0.01·L.
    public let lossPredRelErrorMedian: Double?
    /// Median of |gd_sharpness − pred_sharpness| · η/2 over rows with a GD sharpness.
    public let sharpnessPredRelErrorMedian: Double?
    /// Median of ‖θ_gf − θ†‖ (nil without gradient flow).
    public let gfDistMedian: Double?
    /// max λ₂ · η/2 at θ† (nil without a λ₂ row).
    public let lambda2MaxRatio: Double?

    public init(trackStartStep: Int, track: [TrackRecord], lambda2: [Lambda2Record], learningRate eta: Double) {
        self.trackStartStep = trackStartStep
        let dists = track.map(\.dist)
        distMedian = quantile(dists, 0.5)
        distMax = dists.max()
        predErrorMedian = quantile(track.filter { $0.dist > 0 }.map { $0.predError / $0.dist }, 0.5)
        lossPredRelErrorMedian = quantile(
            track.filter { abs($0.gdLoss - $0.daggerLoss) > 0.01 * $0.gdLoss }
                .map { abs($0.gdLoss - $0.predLoss) / abs($0.gdLoss - $0.daggerLoss) }, 0.5)
        sharpnessPredRelErrorMedian = quantile(
            track.compactMap { r in r.gdSharpness.map { abs($0 - r.predSharpness) * eta / 2 } }, 0.5)
        gfDistMedian = quantile(track.compactMap(\.gfDist), 0.5)
        lambda2MaxRatio = lambda2.map { $0.lambda2 * eta / 2 }.max()
    }
}
