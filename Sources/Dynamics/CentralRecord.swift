/// One row of `central.csv` (docs/CONFIGURATION.md §5): at absolute step t, GD θ_t, the central
/// flow w(t) and gradient flow from the same start, before update t. Lists have one entry per
/// tracked eigenpair or critical direction; nil fields are empty CSV cells.
public struct CentralRecord: Sendable, Equatable, Codable {
    public let step: Int
    /// L(θ_t)
    public let gdLoss: Double
    /// (L(θ_t) + L(θ_{t−1}))/2, GD's loss averaged over its last two steps; nil on the start row.
    public let gdLossAverage: Double?
    /// L(w(t))
    public let centralLoss: Double
    /// L(w) + tr(X)/η, the flow's prediction of GD's time-averaged loss.
    public let predictedLoss: Double
    /// L(θ_gf) of gradient flow at time η(t − start); nil without gradient flow.
    public let gfLoss: Double?
    /// GD's top k eigenvalues at θ_t (descending); empty on a diverged iterate.
    public let gdEigenvalues: [Double]
    /// The flow's top k eigenvalues at w(t).
    public let flowEigenvalues: [Double]
    /// The eigenvalues of Σ = U X Uᵀ (descending), one per critical direction.
    public let sigmaEigenvalues: [Double]
    /// The number of critical directions (λ > τ/η at w).
    public let critical: Int
    /// k, the eigenpairs tracked at this step.
    public let k: Int
    /// ‖θ_t − w(t)‖
    public let dist: Double
    /// ‖θ_t − θ_gf‖; nil without gradient flow.
    public let gfDist: Double?
    /// ((θ_t − w)·sᵢ)² for Σ's unit eigenvectors sᵢ, in the order of `sigmaEigenvalues`.
    public let gdDisplacement2: [Double]
    /// The SDCP's largest violation of its conditions at w(t).
    public let sdcpViolation: Double
    /// The central flow's work over this step.
    public let cost: CentralFlowCost

    public init(
        step: Int, gdLoss: Double, gdLossAverage: Double?, centralLoss: Double, predictedLoss: Double, gfLoss: Double?,
        gdEigenvalues: [Double], flowEigenvalues: [Double], sigmaEigenvalues: [Double], critical: Int, k: Int,
        dist: Double, gfDist: Double?, gdDisplacement2: [Double], sdcpViolation: Double, cost: CentralFlowCost
    ) {
        self.step = step
        self.gdLoss = gdLoss
        self.gdLossAverage = gdLossAverage
        self.centralLoss = centralLoss
        self.predictedLoss = predictedLoss
        self.gfLoss = gfLoss
        self.gdEigenvalues = gdEigenvalues
        self.flowEigenvalues = flowEigenvalues
        self.sigmaEigenvalues = sigmaEigenvalues
        self.critical = critical
        self.k = k
        self.dist = dist
        self.gfDist = gfDist
        self.gdDisplacement2 = gdDisplacement2
        self.sdcpViolation = sdcpViolation
        self.cost = cost
    }

    /// The CSV header for lists of `width` entries: the scalar columns (with the flow's cost over
    /// the step: gradients, Hessian-vector products, ∇³L products, SDCP iterations), then `gd_lambda_1` …,
    /// `flow_lambda_1` …, `sigma_1` …, `gd_disp2_1` … (gf columns only with gradient flow).
    public static func columns(width: Int, gradientFlow: Bool) -> [String] {
        func list(_ name: String) -> [String] { (0..<width).map { "\(name)_\($0 + 1)" } }
        return ["step", "gd_loss", "gd_loss_avg2", "central_loss", "pred_loss"] + (gradientFlow ? ["gf_loss"] : [])
            + ["critical", "k", "dist"] + (gradientFlow ? ["gf_dist"] : [])
            + ["sdcp_violation", "flow_gradients", "flow_hvps", "flow_third_derivatives", "sdcp_iterations"]
            + list("gd_lambda") + list("flow_lambda") + list("sigma") + list("gd_disp2")
    }

    /// The row's values in the order of `columns(width:gradientFlow:)` (integers as Doubles;
    /// lists padded with nil to `width`).
    public func values(width: Int, gradientFlow: Bool) -> [Double?] {
        func list(_ values: [Double]) -> [Double?] { (0..<width).map { $0 < values.count ? values[$0] : nil } }
        let head: [Double?] = [Double(step), gdLoss, gdLossAverage, centralLoss, predictedLoss]
        return head + (gradientFlow ? [gfLoss] : []) + [Double(critical), Double(k), dist] + (gradientFlow ? [gfDist] : [])
            + [
                sdcpViolation, Double(cost.gradients), Double(cost.hessianVectorProducts), Double(cost.thirdDerivatives),
                Double(cost.sdcpIterations),
            ] + list(gdEigenvalues) + list(flowEigenvalues) + list(sigmaEigenvalues) + list(gdDisplacement2)
    }
}
