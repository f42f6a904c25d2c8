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
    /// λ_max(P^{-1/2} ∇²L P^{-1/2}) at the same point, for an adaptive optimizer (docs/THEORY.md §11);
    /// nil where not measured and for the other optimizers.
    public let preconditionedSharpness: Double?

    public init(
        step: Int, loss: Double, accuracy: Double, gradientNorm: Double,
        sharpness: [Double] = [], sharpnessAt: SharpnessLocation? = nil, preconditionedSharpness: Double? = nil
    ) {
        self.step = step
        self.loss = loss
        self.accuracy = accuracy
        self.gradientNorm = gradientNorm
        self.sharpness = sharpness
        self.sharpnessAt = sharpnessAt
        self.preconditionedSharpness = preconditionedSharpness
    }
}
