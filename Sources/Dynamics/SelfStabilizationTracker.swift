import LinearAlgebra
import Curvature

/// What phase B does (docs/CONFIGURATION.md §2.6, `[track]`).
public struct SelfStabilizationTrackerSettings: Sendable, Equatable {
    /// η > 0
    public var learningRate: Double
    /// Phase-B GD updates (`track.steps`): rows t0 … t0 + steps.
    public var steps: Int
    /// proj_M: `.linearized(steps: 3)` reproduces the paper.
    public var projection: ProjectionMethod
    public var dynamics: PredictedDynamics
    /// Integrate gradient flow from θ_{t0} beside GD (`track.gradient_flow`).
    public var gradientFlow: Bool
    /// Top eigenvalues of GD's sharpness at the iterate per trace row (`sharpness.k`).
    public var eigenvalueCount: Int
    /// Relative residual tolerance of every eigen-solve.
    public var tolerance: Double
    /// Diverged when L(θ_t) is not finite or exceeds `divergeFactor` × the run's initial loss.
    public var divergeFactor: Double
    public var eigensolverSeed: UInt64
    /// λ₂, β trackers and profiles every this many phase-B steps (the authors' 50).
    public var slowEvery: Int
    /// Stop with `.lambda2` when λ₂(θ†) > lambda2Limit / η (the authors' 1.9).
    public var lambda2Limit: Double
    /// Points of each profile F(x) on [−5w, 5w] (101).
    public var profilePoints: Int

    public init(
        learningRate: Double, steps: Int, projection: ProjectionMethod = .linearized(steps: 3),
        dynamics: PredictedDynamics = .standard, gradientFlow: Bool = false, eigenvalueCount: Int = 1,
        tolerance: Double = 1e-8, divergeFactor: Double = 1e6, eigensolverSeed: UInt64 = 0,
        slowEvery: Int = 50, lambda2Limit: Double = 1.9, profilePoints: Int = 101
    ) {
        precondition(
            learningRate > 0 && steps >= 0 && eigenvalueCount >= 1 && divergeFactor > 0 && slowEvery >= 1
                && profilePoints >= 2, "invalid tracker settings")
        self.learningRate = learningRate
        self.steps = steps
        self.projection = projection
        self.dynamics = dynamics
        self.gradientFlow = gradientFlow
        self.eigenvalueCount = eigenvalueCount
        self.tolerance = tolerance
        self.divergeFactor = divergeFactor
        self.eigensolverSeed = eigensolverSeed
        self.slowEvery = slowEvery
        self.lambda2Limit = lambda2Limit
        self.profilePoints = profilePoints
    }
}

/// Everything needed to continue phase B exactly where it stopped (a checkpoint): resuming from
/// the state passed with row t re-emits row t and gives the same bits as an uninterrupted run.
public struct SelfStabilizationTrackerState: Sendable, Codable, Equatable {
    /// t0, the first unstable iterate's step.
    public let startStep: Int
    /// t: the next row describes step t.
    public var step: Int
    /// GD θ_t, [N].
    public var theta: [Double]
    /// θ†_t, [N].
    public var dagger: [Double]
    /// The quantities of docs/THEORY.md §2 at θ†_t.
    public var daggerQuantities: StabilityQuantities
    /// u at θ†_{t−1} (nil at t0), for `u_overlap`.
    public var previousEigenvector: [Double]?
    /// v⋆_t, [N].
    public var displacement: [Double]
    /// Gradient flow at time η(t − t0) from θ_{t0}; nil when not asked for.
    public var gradientFlow: GradientFlow?
    /// Warm start of GD's sharpness at the iterate.
    public var iterateWarmStart: [[Double]]
    /// The last λ₂ eigenvector at θ† (warm start of the next λ₂ solve).
    public var secondEigenvector: [Double]?
    /// The β_{s→t} trackers started so far.
    public var betaTrackers: [BetaTracker]
    /// The run's initial loss, the divergence reference.
    public let initialLoss: Double
}

/// Phase B (docs/THEORY.md §4–§6), in Float64: from the first unstable iterate θ_{t0} it runs side by
/// side GD θ_t, the constrained trajectory θ†_{t+1} = proj_M(θ†_t − η∇L(θ†_t)) from
/// θ†_0 = proj_M(θ_{t0}), the predicted displacement v⋆ from v⋆_0 = θ_{t0} − θ†_0 and optionally
/// gradient flow from θ_{t0}, and emits one `TrackingStep` per step t = t0 … t0 + steps.
///
/// Every `slowEvery` steps (t − t0 ≡ 0): λ₂ at θ† (a 2-vector block solve warm-started from u and
/// the previous second eigenvector), a new β_{s→t} tracker, and the profile F(x) = L(θ† + x u) on
/// [−5δ, 5δ] (or [−5ε, 5ε] with ε = max(|x|, 1e-3) when δ is missing). The run stops with
/// `.lambda2` after the row where λ₂ > lambda2Limit/η.
///
/// Every eigen-solve is warm-started from the previous eigenvector(s); every θ† eigenvector is
/// oriented like the previous one so x, y and pred_x keep their sign convention (all updates are
/// even in u). Per step: at θ† (K + 1) × (gradient, eigen-solve, ∇³L[u,u]) for the projection,
/// one HVP for v⋆ and one per β tracker; at θ_t a gradient and an eigen-solve.
public struct SelfStabilizationTracker<O: Objective> where O.Scalar == Double {
    public let objective: O
    public let settings: SelfStabilizationTrackerSettings

    public init(objective: O, settings: SelfStabilizationTrackerSettings) {
        self.objective = objective
        self.settings = settings
    }

    private var topSolver: BlockLanczos<Double> {
        BlockLanczos(count: 1, tolerance: settings.tolerance, seed: settings.eigensolverSeed)
    }

    private var projection: StableSetProjection {
        StableSetProjection(learningRate: settings.learningRate, method: settings.projection, solver: topSolver)
    }

    /// The state at row t0: θ = θ_{t0}, θ†_0 = proj_M(θ_{t0}), v⋆_0 = θ_{t0} − θ†_0.
    ///
    /// - Parameter initialLoss: L(θ₀) of the run (phase A's first row), the divergence reference.
    public func start(at theta: [Double], step t0: Int, initialLoss: Double) -> SelfStabilizationTrackerState {
        precondition(theta.count == objective.dimension, "θ has \(theta.count) entries, the objective \(objective.dimension)")
        let projected = projection.project(objective, from: theta, warmStart: [], orientedLike: nil)
        return SelfStabilizationTrackerState(
            startStep: t0, step: t0, theta: theta, dagger: projected.point, daggerQuantities: projected.quantities,
            previousEigenvector: nil, displacement: adding(theta, -1, projected.point),
            gradientFlow: settings.gradientFlow ? GradientFlow(theta: theta) : nil, iterateWarmStart: [],
            secondEigenvector: nil, betaTrackers: [], initialLoss: initialLoss)
    }

    /// Runs phase B from `state` until t0 + steps (`.steps`), λ₂ > limit (`.lambda2`), divergence
    /// of GD (`.diverged`) or `observe` says stop (`.signal`). On return `state` describes the last
    /// emitted row (on `.signal`, the state row t was computed from). `observe` gets each step's
    /// records and the state they were computed from: a run resumed from it recomputes row t exactly.
    public func run<Clock: PhaseClock>(
        from state: inout SelfStabilizationTrackerState, clock: inout Clock,
        observe: (TrackingStep, SelfStabilizationTrackerState) -> RunControl
    ) -> StopReason {
        let eta = settings.learningRate
        while true {
            // Handed to `observe`: resuming from it recomputes row t bit for bit.
            let rowStart = state
            let t = state.step
            let q = state.daggerQuantities
            let u = q.eigenvector
            let (loss, gradient) = clock.time(.gd) { objective.lossAndGradient(at: state.theta) }
            let diverged = hasDiverged(loss: loss, initialLoss: state.initialLoss, factor: settings.divergeFactor)
            var sharpness: [Double] = []
            if !diverged {
                let pairs = clock.time(.eigen) {
                    BlockLanczos<Double>(count: settings.eigenvalueCount, tolerance: settings.tolerance, seed: settings.eigensolverSeed)
                        .topEigenpairs(of: HessianOperator(objective, at: state.theta), startVectors: state.iterateWarmStart)
                }
                sharpness = pairs.eigenvalues
                if pairs.eigenvalues.allSatisfy({ $0.isFinite }) { state.iterateWarmStart = pairs.eigenvectors }
            }
            let trace = TraceRecord(
                step: t, loss: loss, accuracy: objective.accuracy(at: state.theta),
                gradientNorm: norm(gradient), sharpness: sharpness, sharpnessAt: sharpness.isEmpty ? nil : .iterate)

            let (track, beta, slow, profile) = clock.time(.tracking) { () -> (TrackRecord, [BetaRecord], Lambda2Record?, [ProfilePoint]) in
                let d = adding(state.theta, -1, state.dagger)
                let v = state.displacement
                let x = dot(u, d)
                let y = dot(q.sharpnessGradientPerp, d)
                let gf = state.gradientFlow.map { (loss: objective.loss(at: $0.theta), dist: norm(adding($0.theta, -1, state.dagger))) }
                var slow: Lambda2Record?
                var profile: [ProfilePoint] = []
                if (t - state.startStep) % settings.slowEvery == 0 {
                    let pairs = BlockLanczos<Double>(count: 2, tolerance: settings.tolerance, seed: settings.eigensolverSeed)
                        .topEigenpairs(
                            of: HessianOperator(objective, at: state.dagger),
                            startVectors: [u] + (state.secondEigenvector.map { [$0] } ?? []))
                    slow = Lambda2Record(step: t, lambda2: pairs.eigenvalues[1])
                    if pairs.eigenvalues[1].isFinite { state.secondEigenvector = pairs.eigenvectors[1] }
                    let width = 5 * (q.delta ?? Swift.max(abs(x), 1e-3))
                    let n = settings.profilePoints
                    profile = (0..<n).map { i in
                        let s = -width + 2 * width * Double(i) / Double(n - 1)
                        return ProfilePoint(step: t, x: s, loss: objective.loss(at: adding(state.dagger, s, u)))
                    }
                    state.betaTrackers.append(BetaTracker(start: t, quantities: q))
                }
                let track = TrackRecord(
                    step: t, gdLoss: loss, gdSharpness: sharpness.first, daggerLoss: q.loss, daggerSharpness: q.sharpness,
                    daggerResidualS: q.sharpnessResidual(learningRate: eta), daggerResidualU: q.eigenvectorResidual,
                    uOverlap: state.previousEigenvector.map { abs(dot($0, u)) }, x: x, y: y,
                    predX: dot(u, v), predY: dot(q.sharpnessGradientPerp, v), alpha: q.alpha, beta: q.beta,
                    delta2: q.deltaSquared, delta: q.delta, gamma: q.gamma, dist: norm(d), predDist: norm(v),
                    predError: norm(adding(d, -1, v)), predLoss: q.loss + q.sharpness * x * x / 2,
                    predSharpness: q.sharpness + y, gfLoss: gf?.loss, gfDist: gf?.dist)
                let beta = state.betaTrackers.map { BetaRecord(s: $0.start, t: t, beta: $0.beta(q)) }
                return (track, beta, slow, profile)
            }

            let step = TrackingStep(trace: t == state.startStep ? nil : trace, track: track, beta: beta, lambda2: slow, profile: profile)
            if observe(step, rowStart) == .stop {
                state = rowStart
                return .signal
            }
            if diverged { return .diverged }
            if let slow, slow.lambda2 > settings.lambda2Limit / eta { return .lambda2 }
            if t >= state.startStep + settings.steps { return .steps }

            clock.time(.gd) { axpy(-eta, gradient, &state.theta) }
            clock.time(.tracking) {
                state.displacement = predictedDisplacementStep(
                    state.displacement, objective: objective, center: state.dagger,
                    quantities: q, learningRate: eta, dynamics: settings.dynamics)
                for i in state.betaTrackers.indices {
                    state.betaTrackers[i].advance(objective: objective, center: state.dagger, quantities: q, learningRate: eta)
                }
                state.gradientFlow?.advance(objective: objective, duration: eta, solver: topSolver)
                let projected = projection.project(
                    objective, from: adding(state.dagger, -eta, q.gradient),
                    warmStart: [u], orientedLike: u)
                state.previousEigenvector = u
                state.dagger = projected.point
                state.daggerQuantities = projected.quantities
            }
            state.step = t + 1
        }
    }
}
