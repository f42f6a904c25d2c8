/// The EoS summary of a run (docs/CONFIGURATION.md §6), computed from its trace.
///
/// The sharpness compared with the threshold c/η of the run's optimizer (docs/THEORY.md §11) is
/// the trace's `sharpness` (λ_max of the Hessian) for gd and the momentum methods, and its
/// `preconditionedSharpness` for the adaptive ones; the ratio is S·η/c, for gd S·η/2 exactly.
public struct EdgeOfStabilitySummary: Sendable, Equatable {
    /// 2/η
    public let twoOverEta: Double
    /// c/η, the optimizer's stability threshold (2/η for gd).
    public let threshold: Double
    public let sharpnessAt: SharpnessLocation
    /// The first trace row whose measured sharpness is ≥ the threshold.
    public let eosStep: Int?
    /// Quantiles of S·η/c over the measured rows t ≥ eos_step (nil without an eos_step).
    public let sharpnessRatioMedian: Double?
    public let sharpnessRatioP10: Double?
    public let sharpnessRatioP90: Double?
    /// The largest measured λ_max(∇²L) (never the preconditioned one).
    public let maxSharpness: Double?
    public let finalLoss: Double?
    public let finalAccuracy: Double?
    /// The number of t ≥ 1 with L(θ_t) > L(θ_{t−1}).
    public let lossNonmonotoneSteps: Int

    public init(trace: [TraceRecord], learningRate: Double, sharpnessAt: SharpnessLocation, optimizer: Optimizer = .gd) {
        twoOverEta = 2 / learningRate
        let c = optimizer.stabilityConstant
        threshold = c / learningRate
        self.sharpnessAt = sharpnessAt
        let measured = trace.filter { !$0.sharpness.isEmpty }
        let compared: [(step: Int, s: Double)] = measured.compactMap { row in
            guard optimizer.isAdaptive else { return (row.step, row.sharpness[0]) }
            return row.preconditionedSharpness.map { (row.step, $0) }
        }
        let eos = compared.first { $0.s >= c / learningRate }?.step
        eosStep = eos
        if let eos {
            let ratios = compared.filter { $0.step >= eos }.map { $0.s * learningRate / c }
            sharpnessRatioMedian = quantile(ratios, 0.5)
            sharpnessRatioP10 = quantile(ratios, 0.1)
            sharpnessRatioP90 = quantile(ratios, 0.9)
        } else {
            sharpnessRatioMedian = nil
            sharpnessRatioP10 = nil
            sharpnessRatioP90 = nil
        }
        maxSharpness = measured.map { $0.sharpness[0] }.filter { $0.isFinite }.max()
        finalLoss = trace.last?.loss
        finalAccuracy = trace.last.map { $0.accuracy }.flatMap { $0.isNaN ? nil : $0 }
        lossNonmonotoneSteps = zip(trace.dropFirst(), trace).filter { $0.0.loss > $0.1.loss }.count
    }
}

/// The q-quantile of `values` by linear interpolation between order statistics (NumPy's
/// default): position q·(n − 1) in the sorted values. Nil for no values.
public func quantile(_ values: [Double], _ q: Double) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let position = q * Double(sorted.count - 1)
    let lower = Int(position.rounded(.down))
    let upper = Swift.min(lower + 1, sorted.count - 1)
    let fraction = position - Double(lower)
    return sorted[lower] + fraction * (sorted[upper] - sorted[lower])
}
