import LinearAlgebra
import Curvature

/// What a plain GD run does (docs/CONFIGURATION.md §2.4 and §2.5), or one with another
/// optimizer (docs/THEORY.md §11).
public struct GradientDescentSettings: Sendable, Equatable {
    /// η > 0
    public var learningRate: Double
    /// T, the number of GD updates; the trace has rows 0 … T.
    public var steps: Int
    /// Measure the sharpness every this many steps and always at steps 0 and T; 0 = never.
    public var sharpnessEvery: Int
    /// k, the number of top eigenvalues measured.
    public var eigenvalueCount: Int
    public var sharpnessAt: SharpnessLocation
    /// Relative residual tolerance of the eigen-solver.
    public var tolerance: Double
    /// Diverged when L(θ_t) is not finite or exceeds `divergeFactor` × L(θ₀).
    public var divergeFactor: Double
    /// Seed of the eigen-solver's random start vectors.
    public var eigensolverSeed: UInt64
    /// The update rule; `.gd` is θ ← θ − η∇L.
    public var optimizer: Optimizer
    /// Stops before the budget: a loss or accuracy goal, or a number of steps after the edge.
    public var stopRules: StopRules

    public init(
        learningRate: Double, steps: Int, sharpnessEvery: Int = 10, eigenvalueCount: Int = 1,
        sharpnessAt: SharpnessLocation = .iterate, tolerance: Double = 1e-8, divergeFactor: Double = 1e6,
        eigensolverSeed: UInt64 = 0, optimizer: Optimizer = .gd, stopRules: StopRules = .none
    ) {
        precondition(
            learningRate > 0 && steps >= 0 && sharpnessEvery >= 0 && eigenvalueCount >= 1 && divergeFactor > 0,
            "invalid gradient descent settings")
        self.learningRate = learningRate
        self.steps = steps
        self.sharpnessEvery = sharpnessEvery
        self.eigenvalueCount = eigenvalueCount
        self.sharpnessAt = sharpnessAt
        self.tolerance = tolerance
        self.divergeFactor = divergeFactor
        self.eigensolverSeed = eigensolverSeed
        self.optimizer = optimizer
        self.stopRules = stopRules
    }

    /// Whether the sharpness is measured at step t.
    public func measuresSharpness(at t: Int) -> Bool {
        sharpnessEvery > 0 && (t % sharpnessEvery == 0 || t == steps)
    }
}

/// Everything needed to continue a GD run exactly where it stopped (a checkpoint).
public struct GradientDescentState<T: BLASScalar>: Sendable, Codable, Equatable {
    /// t: the next trace row describes θ_t.
    public var step: Int
    /// θ_t
    public var theta: [T]
    /// L(θ₀), the reference for divergence; nil before step 0 is evaluated.
    public var initialLoss: T?
    /// The eigenvectors of the last sharpness measurement (the next one's warm start).
    public var warmStart: [[T]]
    /// The optimizer's momentum buffer after t updates: b (polyak, nesterov; torch's
    /// `momentum_buffer`) or m (adam, `exp_avg`); empty for gd and rmsprop, and before the first update.
    public var momentum: [T]
    /// The optimizer's second moment after t updates: v (adam's `exp_avg_sq`, rmsprop's
    /// `square_avg`); empty for gd, polyak and nesterov, and before the first update.
    public var squares: [T]
    /// The eigenvector of the last preconditioned sharpness measurement (adaptive optimizers).
    public var preconditionedWarmStart: [[T]]
    /// The first row before t whose measured sharpness was ≥ 2/η (`eos_step`), for
    /// `StopRules.stepsAfterEdge`; a resumed run sets it from the rows it kept.
    public var edgeStep: Int?

    public init(theta: [T]) {
        step = 0
        self.theta = theta
        initialLoss = nil
        warmStart = []
        momentum = []
        squares = []
        preconditionedWarmStart = []
        edgeStep = nil
    }
}

/// Full-batch gradient descent θ_{t+1} = θ_t − η∇L(θ_t), or the update of another optimizer
/// (`settings.optimizer`, docs/THEORY.md §11), with sharpness measurements and divergence
/// detection. Emits one `TraceRecord` per iterate to `observe`; no I/O, no clock.
///
/// For an adaptive optimizer each measurement also gives the preconditioned sharpness
/// λ_max(P^{-1/2} ∇²L P^{-1/2}), with P = √v̂ + ε the preconditioner of update t + 1 (its v̂
/// includes g_t): the matrix that update divides by. With another optimizer than gd the
/// midpoint is θ_t + ½Δ_t, halfway along the update Δ_t actually taken.
public struct GradientDescent<O: Objective> {
    public let objective: O
    public let settings: GradientDescentSettings

    public init(objective: O, settings: GradientDescentSettings) {
        self.objective = objective
        self.settings = settings
    }

    /// Runs from `state` until step T, divergence, a stop rule (`settings.stopRules`), or
    /// `observe` says stop (then `.signal`).
    /// On return `state` is where the run ended: θ_t of the last recorded row.
    ///
    /// - Parameter observe: called with each row and the state it was computed from (θ_t and the
    ///   warm start before row t's eigen-solve), so the caller can write the row, report progress
    ///   and checkpoint: a run resumed from that state recomputes row t exactly.
    public func run<Clock: PhaseClock>(
        from state: inout GradientDescentState<O.Scalar>, clock: inout Clock,
        observe: (TraceRecord, GradientDescentState<O.Scalar>) -> RunControl
    ) -> StopReason {
        var meter = SharpnessMeter<O>(
            count: settings.eigenvalueCount, tolerance: settings.tolerance,
            location: settings.sharpnessAt, seed: settings.eigensolverSeed,
            warmStart: state.warmStart)
        var preconditionedMeter = SharpnessMeter<O>(
            count: 1, tolerance: settings.tolerance, location: settings.sharpnessAt, seed: settings.eigensolverSeed,
            warmStart: state.preconditionedWarmStart)
        let optimizer = settings.optimizer
        let eta = O.Scalar(settings.learningRate)
        // ∇L(θ_t), reused every step (the loop allocates nothing of its own).
        var gradient = [O.Scalar](repeating: 0, count: objective.dimension)
        while true {
            // `state` stays the state row t is computed from until `observe` has seen it, so a
            // run resumed from what `observe` got recomputes row t exactly.
            let t = state.step
            let loss = clock.time(.gd) { objective.lossAndGradient(at: state.theta, into: &gradient) }
            if state.initialLoss == nil { state.initialLoss = loss }
            let diverged = hasDiverged(loss: loss, initialLoss: state.initialLoss!, factor: settings.divergeFactor)
            var sharpness: [Double] = []
            var preconditioned: Double?
            if !diverged && settings.measuresSharpness(at: t) {
                if optimizer == .gd {
                    let pairs = clock.time(.eigen) {
                        meter.measure(objective, at: state.theta, gradient: gradient, learningRate: settings.learningRate)
                    }
                    sharpness = pairs.eigenvalues.map { Double($0) }
                } else {
                    clock.time(.eigen) {
                        let point = settings.sharpnessAt == .iterate ? state.theta : midpoint(of: state, gradient: gradient)
                        sharpness = meter.measure(HessianOperator(objective, at: point)).eigenvalues.map { Double($0) }
                        if let p = optimizer.preconditioner(squares: state.squares, gradient: gradient, count: t + 1) {
                            let scaled = DiagonallyScaledOperator(
                                HessianOperator(objective, at: point), scale: p.map { 1 / $0.squareRoot() })
                            preconditioned = preconditionedMeter.measure(scaled).eigenvalues.first.map { Double($0) }
                        }
                    }
                }
            }
            let record = TraceRecord(
                step: t, loss: Double(loss), accuracy: Double(objective.accuracy(at: state.theta)),
                gradientNorm: Double(norm(gradient)), sharpness: sharpness,
                sharpnessAt: sharpness.isEmpty ? nil : settings.sharpnessAt, preconditionedSharpness: preconditioned)
            if observe(record, state) == .stop { return .signal }
            state.warmStart = meter.warmStart
            if optimizer.isAdaptive { state.preconditionedWarmStart = preconditionedMeter.warmStart }
            if state.edgeStep == nil && StopRules.isAtEdge(record, threshold: optimizer.threshold(learningRate: settings.learningRate)) {
                state.edgeStep = t
            }
            if diverged { return .diverged }
            if let reason = settings.stopRules.reason(after: record, edgeStep: state.edgeStep) { return reason }
            if t >= settings.steps { return .steps }
            clock.time(.gd) {
                if optimizer == .gd {
                    axpy(-eta, gradient, &state.theta)
                } else {
                    optimizer.update(
                        &state.theta, momentum: &state.momentum, squares: &state.squares, gradient: gradient,
                        learningRate: settings.learningRate, count: t + 1)
                }
            }
            state.step = t + 1
        }
    }

    /// θ_t + ½Δ_t with Δ_t the update the optimizer takes from `state` with ∇L(θ_t) = `gradient`
    /// (the buffers of `state` are left as they are).
    private func midpoint(of state: GradientDescentState<O.Scalar>, gradient: [O.Scalar]) -> [O.Scalar] {
        var next = state.theta, momentum = state.momentum, squares = state.squares
        settings.optimizer.update(
            &next, momentum: &momentum, squares: &squares, gradient: gradient, learningRate: settings.learningRate,
            count: state.step + 1)
        return zip(state.theta, next).map { $0 + ($1 - $0) / 2 }
    }
}
