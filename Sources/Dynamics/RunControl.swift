/// What an `observe` callback of a run (`GradientDescent`, `InstabilityFinder`,
/// `SelfStabilizationTracker`) tells it after each row: go on, or stop with `.signal`.
public enum RunControl: Sendable { case proceed, stop }
