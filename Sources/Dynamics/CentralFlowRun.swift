import LinearAlgebra
import Curvature

/// What a side-by-side central-flow run does (docs/CONFIGURATION.md §2.8, `[central]`).
public struct CentralFlowRunSettings: Sendable, Equatable {
    /// The central flow's own settings (η, τ, substeps, eigen-solver).
    public var flow: CentralFlowSettings
    /// GD updates after the start (`central.steps`): rows start … start + steps.
    public var steps: Int
    /// k ≥ 1, the eigenpairs tracked at the start (`central.k`).
    public var eigenvalueCount: Int
    /// Integrate gradient flow from the start beside GD (`central.gradient_flow`).
    public var gradientFlow: Bool
    /// Diverged when L(θ_t) is not finite or exceeds `divergeFactor` × the run's initial loss.
    public var divergeFactor: Double

    public init(
        flow: CentralFlowSettings, steps: Int, eigenvalueCount: Int = 4, gradientFlow: Bool = true,
        divergeFactor: Double = 1e6
    ) {
        precondition(steps >= 0 && eigenvalueCount >= 1 && divergeFactor > 0, "invalid central run settings")
        self.flow = flow
        self.steps = steps
        self.eigenvalueCount = eigenvalueCount
        self.gradientFlow = gradientFlow
        self.divergeFactor = divergeFactor
    }
}

/// Everything needed to continue a central-flow run where it stopped.
public struct CentralFlowRunState: Sendable, Codable, Equatable {
    /// The start step (0 from θ₀, t0 from the first unstable iterate).
    public let startStep: Int
    /// t: the next row describes step t.
    public var step: Int
    /// GD θ_t, [N].
    public var theta: [Double]
    /// L(θ_{t−1}); nil on the start row.
    public var previousLoss: Double?
    /// GD's warm start (its top k eigenvectors at the last iterate).
    public var gdWarmStart: [[Double]]
    public var flow: CentralFlowState
    /// Gradient flow at time η(t − start); nil when not asked for.
    public var gradientFlow: GradientFlow?
    /// The run's initial loss, the divergence reference.
    public let initialLoss: Double
}

/// One row of a central-flow run: the trace row of GD (nil for the start row of a run that
/// started from phase A, which emitted it) and the `central.csv` row.
public struct CentralFlowRunStep: Sendable, Equatable {
    public let trace: TraceRecord?
    public let central: CentralRecord
    /// The values k grew to while computing this row (say so in the log).
    public let growth: [Int]
}

/// GD, its central flow and gradient flow side by side from one start θ_s, in Float64
/// (docs/THEORY.md §10): per step t = s … s + steps, GD's (L, ∇L) and top k eigenpairs at θ_t
/// (warm-started), one unit of time of the central flow (`CentralFlow.advance`), and gradient
/// flow over time η (`GradientFlow`). The row compares them at t: GD's loss and its 2-step
/// average against L(w) and the prediction L(w) + tr(X)/η, the distances ‖θ_t − w‖ and
/// ‖θ_t − θ_gf‖, GD's squared displacement along Σ's eigenvectors against Σ's eigenvalues.
/// GD's eigen-solve computes as many eigenpairs as the flow tracks (k grows with it), warm-started
/// and stopped after at most 2 × `eigenBlocks` blocks.
public struct CentralFlowRun<O: Objective> where O.Scalar == Double {
    public let objective: O
    public let settings: CentralFlowRunSettings

    public init(objective: O, settings: CentralFlowRunSettings) {
        self.objective = objective
        self.settings = settings
    }

    /// The state at row `step` from θ (GD, the flow and gradient flow all start there).
    public func start(at theta: [Double], step: Int, initialLoss: Double) -> CentralFlowRunState {
        precondition(theta.count == objective.dimension, "θ has \(theta.count) entries, the objective \(objective.dimension)")
        return CentralFlowRunState(
            startStep: step, step: step, theta: theta, previousLoss: nil, gdWarmStart: [],
            flow: CentralFlowState(w: theta, count: settings.eigenvalueCount),
            gradientFlow: settings.gradientFlow ? GradientFlow(theta: theta) : nil, initialLoss: initialLoss)
    }

    /// Runs from `state` until start + steps (`.steps`), divergence of GD or of the flow
    /// (`.diverged`) or `observe` says stop (`.signal`, `state` then at the row not emitted).
    /// `observe` gets each row and the state it was computed from: a run resumed from that state
    /// recomputes the row bit for bit.
    /// - Parameter emitStartTrace: whether the start row carries a trace row (false when phase A
    ///   already wrote it).
    public func run<Clock: PhaseClock>(
        from state: inout CentralFlowRunState, emitStartTrace: Bool, clock: inout Clock,
        observe: (CentralFlowRunStep, CentralFlowRunState) -> RunControl
    ) -> StopReason {
        let eta = settings.flow.learningRate
        let flow = CentralFlow(objective: objective, settings: settings.flow)
        let gfSolver = BlockLanczos<Double>(count: 1, tolerance: settings.flow.tolerance, seed: settings.flow.eigensolverSeed)
        while true {
            let rowStart = state
            let t = state.step
            let (loss, gradient) = clock.time(.gd) { objective.lossAndGradient(at: state.theta) }
            let diverged = hasDiverged(loss: loss, initialLoss: state.initialLoss, factor: settings.divergeFactor)

            // The flow first: k may grow, and GD's solve follows it.
            let w = state.flow.w
            let flowStep = clock.time(.central) { flow.advance(&state.flow) }
            let point = flowStep.point
            let k = state.flow.count

            var gdEigenvalues: [Double] = []
            // GD's first solve (and the one after k grows) starts from the flow's eigenvectors.
            if state.gdWarmStart.count < k { state.gdWarmStart = state.flow.warmStart }
            if !diverged {
                let blocks = state.gdWarmStart.count >= k ? 2 * settings.flow.eigenBlocks : 10_000
                let pairs = clock.time(.eigen) {
                    BlockLanczos<Double>(
                        count: k, tolerance: settings.flow.tolerance, maxOperatorApplications: blocks * k,
                        seed: settings.flow.eigensolverSeed
                    ).topEigenpairs(of: HessianOperator(objective, at: state.theta), startVectors: state.gdWarmStart)
                }
                gdEigenvalues = pairs.eigenvalues
                if pairs.eigenvalues.allSatisfy(\.isFinite) { state.gdWarmStart = pairs.eigenvectors }
            }
            let trace = TraceRecord(
                step: t, loss: loss, accuracy: objective.accuracy(at: state.theta), gradientNorm: norm(gradient),
                sharpness: gdEigenvalues, sharpnessAt: gdEigenvalues.isEmpty ? nil : .iterate)

            let record = clock.time(.tracking) { () -> CentralRecord in
                let d = adding(state.theta, -1, w)
                let gf = state.gradientFlow.map { (loss: objective.loss(at: $0.theta), dist: norm(adding(state.theta, -1, $0.theta))) }
                return CentralRecord(
                    step: t, gdLoss: loss, gdLossAverage: state.previousLoss.map { ($0 + loss) / 2 },
                    centralLoss: point.loss, predictedLoss: point.loss + point.traceX / eta, gfLoss: gf?.loss,
                    gdEigenvalues: gdEigenvalues, flowEigenvalues: point.eigenvalues, sigmaEigenvalues: point.sigmaEigenvalues,
                    critical: point.criticalCount, k: k, dist: norm(d), gfDist: gf?.dist,
                    gdDisplacement2: point.sigmaEigenvectors.map {
                        let x = dot($0, d); return x * x
                    },
                    sdcpViolation: point.sdcpViolation, cost: flowStep.cost)
            }
            let step = CentralFlowRunStep(
                trace: t == state.startStep && !emitStartTrace ? nil : trace, central: record, growth: flowStep.growth)
            if observe(step, rowStart) == .stop {
                state = rowStart
                return .signal
            }
            if diverged || !point.loss.isFinite { return .diverged }
            if t >= state.startStep + settings.steps { return .steps }

            clock.time(.gd) { axpy(-eta, gradient, &state.theta) }
            clock.time(.tracking) { state.gradientFlow?.advance(objective: objective, duration: eta, solver: gfSolver) }
            state.previousLoss = loss
            state.step = t + 1
        }
    }
}
