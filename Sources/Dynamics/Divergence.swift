/// The divergence test every run applies to each iterate before measuring or stepping from it:
/// GD has diverged when L(θ_t) is not finite, or when L(θ₀) > 0 and L(θ_t) > `factor` · L(θ₀)
/// (`train.diverge_factor`). The run then stops with `StopReason.diverged`.
func hasDiverged<T: BinaryFloatingPoint>(loss: T, initialLoss: T, factor: Double) -> Bool {
    !loss.isFinite || (initialLoss > 0 && loss > T(factor) * initialLoss)
}
