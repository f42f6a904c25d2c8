/// The reduced 2-D map of docs/THEORY.md §3 (x along u, y = S − 2/η along ∇S⊥):
///
///     x_{t+1} = −(1 + η y_t) x_t
///     y_{t+1} = y_t + η (α − (β/2) x_t²)
///
/// Its continuous limit (τ = ηt) conserves H = y² + (β/2)(x² − δ² log x²) with δ² = 2α/β, and
/// per cycle ⟨x²⟩ = δ², ⟨y⟩ = 0; the discrete map keeps these only to O(η) and spirals outwards.
public struct SelfStabilizationMap: Sendable, Equatable {
    public let learningRate: Double
    public let alpha: Double
    public let beta: Double

    public init(learningRate: Double, alpha: Double, beta: Double) {
        self.learningRate = learningRate
        self.alpha = alpha
        self.beta = beta
    }

    /// δ² = 2α/β
    public var deltaSquared: Double { 2 * alpha / beta }

    /// (x_{t+1}, y_{t+1}) from (x_t, y_t).
    public func step(x: Double, y: Double) -> (x: Double, y: Double) {
        (-(1 + learningRate * y) * x, y + learningRate * (alpha - beta / 2 * x * x))
    }

    /// The orbit (x_t, y_t) for t = 0 … steps, starting at (x, y).
    public func orbit(x: Double, y: Double, steps: Int) -> [(x: Double, y: Double)] {
        var points = [(x: x, y: y)]
        for _ in 0..<steps { points.append(step(x: points.last!.x, y: points.last!.y)) }
        return points
    }
}
