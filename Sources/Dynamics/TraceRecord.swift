/// One row of `trace.csv`: GD iterate θ_t before update t (docs/CONFIGURATION.md §5).
public struct TraceRecord: Sendable, Equatable, Codable {
    public let step: Int
    public let loss: Double
    /// NaN when the objective is not a classifier.
    public let accuracy: Double
    /// ‖∇L(θ_t)‖
    public let gradientNorm: Double
    /// Top-k Hessian eigenvalues (descending), empty where not measured.
    public let sharpness: [Double]
    /// Where `sharpness` was measured; nil where not measured.
    public let sharpnessAt: SharpnessLocation?

    public init(
        step: Int, loss: Double, accuracy: Double, gradientNorm: Double,
        sharpness: [Double] = [], sharpnessAt: SharpnessLocation? = nil
    ) {
        self.step = step
        self.loss = loss
        self.accuracy = accuracy
        self.gradientNorm = gradientNorm
        self.sharpness = sharpness
        self.sharpnessAt = sharpnessAt
    }
}
