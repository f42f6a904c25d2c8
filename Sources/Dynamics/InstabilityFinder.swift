import LinearAlgebra
import Curvature

/// What phase A does (docs/THEORY.md §6; docs/CONFIGURATION.md §2.4–§2.5).
public struct InstabilityFinderSettings: Sendable, Equatable {
    /// η > 0
    public var learningRate: Double
    /// The GD step budget (`train.steps`); rows 0 … steps at most.
    public var steps: Int
    /// k ≥ 1: the sparse check interval (`sharpness.every`; see `InstabilityFinder` for the schedule).
    public var every: Int
    /// Top eigenvalues per check (`sharpness.k`); the instability test uses the first.
    public var eigenvalueCount: Int
    /// Relative residual tolerance of the eigen-solver.
    public var tolerance: Double
    /// Diverged when L(θ_t) is not finite or exceeds `divergeFactor` × L(θ₀).
    public var divergeFactor: Double
    public var eigensolverSeed: UInt64

    public init(
        learningRate: Double, steps: Int, every: Int = 10, eigenvalueCount: Int = 1, tolerance: Double = 1e-8,
        divergeFactor: Double = 1e6, eigensolverSeed: UInt64 = 0
    ) {
        precondition(
            learningRate > 0 && steps >= 0 && every >= 1 && eigenvalueCount >= 1 && divergeFactor > 0,
            "invalid instability finder settings")
        self.learningRate = learningRate
        self.steps = steps
        self.every = every
        self.eigenvalueCount = eigenvalueCount
        self.tolerance = tolerance
        self.divergeFactor = divergeFactor
        self.eigensolverSeed = eigensolverSeed
    }
}

/// A checkpoint of phase A: the last checked iterate whose midpoint sharpness was below 2/η
/// (or the start). Its row has been emitted; a resumed run continues with row `checkedStep + 1`.
public struct InstabilityFinderState<T: BLASScalar>: Sendable, Codable, Equatable {
    /// t of `theta`; nil before row 0 was emitted.
    public var checkedStep: Int?
    /// θ_t at `checkedStep` (θ₀ before the start).
    public var theta: [T]
    /// The midpoint sharpness measured at `checkedStep`.
    public var checkedSharpness: Double?
    /// L(θ₀), the divergence reference.
    public var initialLoss: T?
    /// The eigenvectors of the last check (the next check's warm start).
    public var warmStart: [[T]]
    /// Whether checks run every step from here on (after a check ≥ 1.5/η or a backtrack).
    public var checksEveryStep: Bool

    public init(theta: [T]) {
        checkedStep = nil
        self.theta = theta
        checkedSharpness = nil
        initialLoss = nil
        warmStart = []
        checksEveryStep = false
    }
}

/// How phase A ended.
public enum InstabilityOutcome<T: BLASScalar>: Sendable, Equatable {
    /// θ_{t0} is the first iterate whose midpoint sharpness is ≥ 2/η.
    case unstable(step: Int, theta: [T], midpointSharpness: Double)
    /// `.noInstability` (budget spent while stable), `.diverged` or `.signal`.
    case stopped(StopReason)
}

/// Phase A: GD θ_{t+1} = θ_t − η∇L(θ_t) in the objective's precision, checking the sharpness at
/// the step midpoint θ_t − (η/2)∇L(θ_t) to find the first unstable iterate t0 (midpoint S ≥ 2/η).
///
/// Schedule: while the last check was below 1.5/η, check at t ≡ 0 (mod `every`); from the first
/// check ≥ 1.5/η on, check every step; always check at t = 0 and at the last step. When a check
/// at t finds S ≥ 2/η although the previous check was at t' < t − 1, the run backtracks: it
/// restores the kept state θ_{t'} and repeats steps t' + 1 … t checking every step, so t0 is the
/// exact first unstable step. Rows after t' are held back until a check decides them, so every
/// row 0 … t0 is emitted exactly once, checked rows with `sharpnessAt = .midpoint`.
public struct InstabilityFinder<O: Objective> {
    public let objective: O
    public let settings: InstabilityFinderSettings

    public init(objective: O, settings: InstabilityFinderSettings) {
        self.objective = objective
        self.settings = settings
    }

    /// Runs phase A from `state`. `observe` gets each trace row 0 … t0 in order, with the new
    /// checkpoint when that row completes one (a checked stable row), else nil; `.stop` ends the
    /// run with `.signal` and `state` at the last checkpoint.
    public func run<Clock: PhaseClock>(
        from state: inout InstabilityFinderState<O.Scalar>, clock: inout Clock,
        observe: (TraceRecord, InstabilityFinderState<O.Scalar>?) -> RunControl
    ) -> InstabilityOutcome<O.Scalar> {
        typealias T = O.Scalar
        let eta = settings.learningRate
        let twoOverEta = 2 / eta
        var meter = SharpnessMeter<O>(
            count: settings.eigenvalueCount, tolerance: settings.tolerance,
            location: .midpoint, seed: settings.eigensolverSeed, warmStart: state.warmStart)
        var t = state.checkedStep.map { $0 + 1 } ?? 0
        var theta = state.theta
        if state.checkedStep != nil {
            let gradient = clock.time(.gd) { objective.lossAndGradient(at: theta).gradient }
            clock.time(.gd) { axpy(-T(eta), gradient, &theta) }
        }
        var pending: [TraceRecord] = []
        var dense = state.checksEveryStep

        func flush(with checkpoint: InstabilityFinderState<T>?) -> Bool {
            defer { pending.removeAll() }
            for (i, row) in pending.enumerated() where observe(row, i == pending.count - 1 ? checkpoint : nil) == .stop {
                return false
            }
            return true
        }

        while true {
            let (loss, gradient) = clock.time(.gd) { objective.lossAndGradient(at: theta) }
            if state.initialLoss == nil { state.initialLoss = loss }
            let diverged = hasDiverged(loss: loss, initialLoss: state.initialLoss!, factor: settings.divergeFactor)
            let checks = !diverged && (t == 0 || t >= settings.steps || dense || t % settings.every == 0)
            var sharpness: [Double] = []
            if checks {
                let pairs = clock.time(.eigen) { meter.measure(objective, at: theta, gradient: gradient, learningRate: eta) }
                sharpness = pairs.eigenvalues.map { Double($0) }
            }
            let row = TraceRecord(
                step: t, loss: Double(loss), accuracy: Double(objective.accuracy(at: theta)),
                gradientNorm: Double(norm(gradient)), sharpness: sharpness,
                sharpnessAt: checks ? .midpoint : nil)
            if let s = sharpness.first, s >= twoOverEta {
                if let previous = state.checkedStep, t > previous + 1 {
                    // Backtrack: the crossing lies somewhere in previous + 1 … t.
                    pending.removeAll()
                    dense = true
                    theta = state.theta
                    let g = clock.time(.gd) { objective.lossAndGradient(at: theta).gradient }
                    clock.time(.gd) { axpy(-T(eta), g, &theta) }
                    t = previous + 1
                    continue
                }
                pending.append(row)
                guard flush(with: nil) else { return .stopped(.signal) }
                return .unstable(step: t, theta: theta, midpointSharpness: s)
            }
            pending.append(row)
            if diverged {
                guard flush(with: nil) else { return .stopped(.signal) }
                return .stopped(.diverged)
            }
            if checks {
                state.checkedStep = t
                state.theta = theta
                state.checkedSharpness = sharpness.first
                state.warmStart = meter.warmStart
                if let s = sharpness.first, s >= 1.5 / eta { dense = true }
                state.checksEveryStep = dense
                guard flush(with: state) else { return .stopped(.signal) }
                if t >= settings.steps { return .stopped(.noInstability) }
            }
            clock.time(.gd) { axpy(-T(eta), gradient, &theta) }
            t += 1
        }
    }
}
