import LinearAlgebra
import Curvature

/// What the central flow does (docs/THEORY.md §10; docs/CONFIGURATION.md §2.8, `[central]`).
public struct CentralFlowSettings: Sendable, Equatable {
    /// η > 0
    public var learningRate: Double
    /// τ ∈ (1, 2]: an eigenpair is critical when λ > τ/η (`central.threshold`).
    public var threshold: Double
    /// Euler substeps per GD step (`central.substeps`), dt = 1/substeps.
    public var substeps: Int
    /// Relative residual tolerance of the eigen-solves.
    public var tolerance: Double
    public var eigensolverSeed: UInt64
    /// The most eigenpairs k may grow to.
    public var maxEigenvalueCount: Int
    /// Each warm-started eigen-solve stops after at most this many blocks of k Hessian-vector
    /// products (its Ritz pairs are then the best of that Krylov space; the next substep's solve
    /// starts from them, so the pairs keep improving as the flow moves).
    public var eigenBlocks: Int

    public init(
        learningRate: Double, threshold: Double = 1.95, substeps: Int = 4, tolerance: Double = 1e-8,
        eigensolverSeed: UInt64 = 0, maxEigenvalueCount: Int = 32, eigenBlocks: Int = 4
    ) {
        precondition(
            learningRate > 0 && threshold > 1 && threshold <= 2 && substeps >= 1 && maxEigenvalueCount >= 1
                && eigenBlocks >= 1,
            "invalid central flow settings")
        self.learningRate = learningRate
        self.threshold = threshold
        self.substeps = substeps
        self.tolerance = tolerance
        self.eigensolverSeed = eigensolverSeed
        self.maxEigenvalueCount = maxEigenvalueCount
        self.eigenBlocks = eigenBlocks
    }
}

/// The central flow's state: w, the number k of tracked eigenpairs and their last eigenvectors
/// (the next solve's warm start).
public struct CentralFlowState: Sendable, Codable, Equatable {
    /// w(t), [N].
    public var w: [Double]
    /// k ≥ 1, the eigenpairs each solve computes.
    public var count: Int
    /// The last solve's eigenvectors.
    public var warmStart: [[Double]]

    public init(w: [Double], count: Int) {
        precondition(count >= 1, "CentralFlowState: k must be at least 1, got \(count)")
        self.w = w
        self.count = count
        warmStart = []
    }
}

/// The central flow at one point w (docs/THEORY.md §10): its loss, top eigenvalues, the critical
/// ones and the oscillation covariance Σ = U X Uᵀ in the critical eigenbasis U.
public struct CentralFlowPoint: Sendable, Equatable {
    /// L(w)
    public let loss: Double
    /// The top k eigenvalues of ∇²L(w), descending.
    public let eigenvalues: [Double]
    /// The number of critical eigenpairs (λ > τ/η).
    public let criticalCount: Int
    /// X [kc, kc], symmetric PSD.
    public let x: Matrix<Double>
    /// Σ's nonzero spectrum: the eigenvalues of X, descending ([kc]).
    public let sigmaEigenvalues: [Double]
    /// Σ's eigenvectors U q (unit, [N] each), in the order of `sigmaEigenvalues`.
    public let sigmaEigenvectors: [[Double]]
    /// max(X ⪰ 0, A + 𝐁[X] ⪰ 0, ⟨X, A + 𝐁[X]⟩ = 0 violations) of the SDCP solved here.
    public let sdcpViolation: Double

    /// tr X = tr Σ.
    public var traceX: Double { (0..<x.rows).reduce(0) { $0 + x[$1, $1] } }
}

/// Work done by the central flow over one GD step, counted in the objective's operations.
public struct CentralFlowCost: Sendable, Equatable, Codable {
    /// (L, ∇L) evaluations.
    public var gradients = 0
    /// ∇²L·v products of the eigen-solves.
    public var hessianVectorProducts = 0
    /// ∇³L[u, u] products.
    public var thirdDerivatives = 0
    /// SDCP solver iterations (projected gradient + Newton).
    public var sdcpIterations = 0

    public init() {}
}

/// One GD step's worth (time 1) of the central flow: the point at its start and what it cost.
public struct CentralFlowStep: Sendable, Equatable {
    /// The flow at w(t), the first substep's point.
    public let point: CentralFlowPoint
    /// The values k grew to during this step (empty when it did not grow).
    public let growth: [Int]
    public let cost: CentralFlowCost
}

/// The central flow of GD (Cohen, Damian et al., ICLR 2025; docs/THEORY.md §10): time t counts GD
/// steps, and
///
///     dw/dt = −η ∇L(w) − (η/2) Σᵢⱼ Xᵢⱼ gᵢⱼ,   gᵢⱼ = ∇³L(w)[uᵢ, uⱼ],
///
/// over the critical eigenpairs (λᵢ, uᵢ) of ∇²L(w) (λᵢ > τ/η), with X ⪰ 0 the solution of the SDCP
///
///     A = (2/η) I − diag(λ) − dt·M,  Mᵢⱼ = gᵢⱼ·(−η∇L),   𝐁[X]ᵢⱼ = dt (η/2) Σₖₗ (gᵢⱼ·gₖₗ) Xₖₗ,
///
/// i.e. the X that keeps the critical block of the Hessian at or below 2/η over the substep.
/// Euler substeps of dt = 1/`substeps`; each recomputes (L, ∇L), the top k eigenpairs (block
/// Lanczos warm-started from the previous ones) and the gᵢⱼ: gᵢᵢ = ∇³L[uᵢ, uᵢ] and, by
/// polarization, gᵢⱼ = ½(∇³L[uᵢ + uⱼ, uᵢ + uⱼ] − gᵢᵢ − gⱼⱼ), kc(kc + 1)/2 products in all.
/// When the k-th eigenvalue is itself critical k grows by one and the solve is repeated
/// (`CentralFlowStep.growth` says so), up to `maxEigenvalueCount` or N.
public struct CentralFlow<O: Objective> where O.Scalar == Double {
    public let objective: O
    public let settings: CentralFlowSettings

    public init(objective: O, settings: CentralFlowSettings) {
        self.objective = objective
        self.settings = settings
    }

    /// Advances the flow by time 1 (one GD step) in `substeps` Euler substeps.
    public func advance(_ state: inout CentralFlowState) -> CentralFlowStep {
        var cost = CentralFlowCost()
        var growth: [Int] = []
        var first: CentralFlowPoint?
        let dt = 1 / Double(settings.substeps)
        for _ in 0..<settings.substeps {
            let point = substep(&state, dt: dt, cost: &cost, growth: &growth)
            if first == nil { first = point }
            if !point.loss.isFinite { break }
        }
        return CentralFlowStep(point: first!, growth: growth, cost: cost)
    }

    /// The flow's point at `state.w` without moving (the SDCP of a substep of length dt).
    public func point(_ state: inout CentralFlowState, dt: Double = 1) -> CentralFlowPoint {
        var cost = CentralFlowCost()
        var growth: [Int] = []
        return evaluate(&state, dt: dt, cost: &cost, growth: &growth).point
    }

    /// One Euler substep of length dt; returns the point it started from.
    func substep(
        _ state: inout CentralFlowState, dt: Double, cost: inout CentralFlowCost, growth: inout [Int]
    ) -> CentralFlowPoint {
        let (point, velocity) = evaluate(&state, dt: dt, cost: &cost, growth: &growth)
        if point.loss.isFinite { axpy(dt, velocity, &state.w) }
        return point
    }

    /// The point at `state.w` and the velocity dw/dt there.
    private func evaluate(
        _ state: inout CentralFlowState, dt: Double, cost: inout CentralFlowCost, growth: inout [Int]
    ) -> (point: CentralFlowPoint, velocity: [Double]) {
        let eta = settings.learningRate
        let w = state.w
        let (loss, gradient) = objective.lossAndGradient(at: w)
        cost.gradients += 1
        var velocity = gradient
        scale(&velocity, by: -eta)  // v_s = −η∇L
        guard loss.isFinite else {
            let empty = Matrix<Double>(rows: 0, columns: 0)
            let point = CentralFlowPoint(
                loss: loss, eigenvalues: [], criticalCount: 0, x: empty, sigmaEigenvalues: [], sigmaEigenvectors: [],
                sdcpViolation: 0)
            return (point, velocity)
        }

        // The top k eigenpairs; grow k while the k-th is critical.
        let critical = settings.threshold / eta
        let limit = Swift.min(settings.maxEigenvalueCount, objective.dimension)
        var pairs: Eigenpairs<Double>
        while true {
            let blocks = state.warmStart.count >= state.count ? settings.eigenBlocks : 10_000
            pairs = BlockLanczos<Double>(
                count: state.count, tolerance: settings.tolerance,
                maxOperatorApplications: Swift.max(blocks * state.count, state.count), seed: settings.eigensolverSeed
            ).topEigenpairs(of: HessianOperator(objective, at: w), startVectors: state.warmStart)
            cost.hessianVectorProducts += pairs.operatorApplications
            if pairs.eigenvalues.allSatisfy(\.isFinite) { state.warmStart = pairs.eigenvectors }
            guard state.count < limit, let last = pairs.eigenvalues.last, last > critical else { break }
            state.count += 1
            growth.append(state.count)
        }
        let lambda = pairs.eigenvalues
        let kc = lambda.prefix { $0 > critical }.count
        guard kc > 0 else {
            let point = CentralFlowPoint(
                loss: loss, eigenvalues: lambda, criticalCount: 0, x: Matrix(rows: 0, columns: 0), sigmaEigenvalues: [],
                sigmaEigenvectors: [], sdcpViolation: 0)
            return (point, velocity)
        }
        let u = Array(pairs.eigenvectors.prefix(kc))

        // gᵢⱼ for i ≤ j, in svec order.
        var diagonal: [[Double]] = []
        for i in 0..<kc { diagonal.append(objective.thirdDerivative(at: w, u[i])) }
        cost.thirdDerivatives += kc
        let pairsIJ = SymmetricCoordinates.pairs(size: kc)
        var g: [[Double]] = []
        for (i, j) in pairsIJ {
            if i == j {
                g.append(diagonal[i])
            } else {
                var mixed = objective.thirdDerivative(at: w, adding(u[i], 1, u[j]))
                cost.thirdDerivatives += 1
                axpy(-1, diagonal[i], &mixed)
                axpy(-1, diagonal[j], &mixed)
                scale(&mixed, by: 0.5)
                g.append(mixed)
            }
        }

        // A and 𝐁 in svec coordinates.
        let m = pairsIJ.count
        var a = Matrix<Double>(rows: kc, columns: kc)
        for (p, (i, j)) in pairsIJ.enumerated() {
            let mij = dot(g[p], velocity)
            let value = (i == j ? 2 / eta - lambda[i] : 0) - dt * mij
            a[i, j] = value
            a[j, i] = value
        }
        var b = Matrix<Double>(rows: m, columns: m)
        for p in 0..<m {
            for q in p..<m {
                let value =
                    dt * eta / 2 * SymmetricCoordinates.weight(pairsIJ[p]) * SymmetricCoordinates.weight(pairsIJ[q])
                    * dot(g[p], g[q])
                b[p, q] = value
                b[q, p] = value
            }
        }
        let solution = SemidefiniteComplementarityProblem(a: a, operatorMatrix: b).solve()
        cost.sdcpIterations += solution.iterations
        let x = solution.x

        // dw/dt = v_s − (η/2) Σᵢⱼ Xᵢⱼ gᵢⱼ (off-diagonal pairs twice).
        for (p, (i, j)) in pairsIJ.enumerated() {
            let coefficient = x[i, j] * (i == j ? 1 : 2)
            if coefficient != 0 { axpy(-eta / 2 * coefficient, g[p], &velocity) }
        }

        // Σ = U X Uᵀ = (U Q) diag(σ) (U Q)ᵀ.
        let xe = symmetricEigen(x)
        var sigma: [Double] = []
        var vectors: [[Double]] = []
        for l in stride(from: kc - 1, through: 0, by: -1) {
            sigma.append(xe.values[l])
            let q = xe.vectors.row(l)
            var s = [Double](repeating: 0, count: w.count)
            addCombination(q, of: u, count: kc, into: &s)
            vectors.append(s)
        }
        let point = CentralFlowPoint(
            loss: loss, eigenvalues: lambda, criticalCount: kc, x: x, sigmaEigenvalues: sigma, sigmaEigenvectors: vectors,
            sdcpViolation: solution.violation)
        return (point, velocity)
    }
}
