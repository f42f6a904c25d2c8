import LinearAlgebra
import Curvature

/// Measures the top-k Hessian eigenvalues of an objective with block Lanczos, warm-starting
/// every solve from the previous one's eigenvectors (what makes per-step measurement affordable).
public struct SharpnessMeter<O: Objective> {
    public let solver: BlockLanczos<O.Scalar>
    public let location: SharpnessLocation
    /// The eigenvectors of the last solve: the next solve's start vectors.
    public var warmStart: [[O.Scalar]]

    public init(count: Int, tolerance: Double, location: SharpnessLocation, seed: UInt64, warmStart: [[O.Scalar]] = []) {
        solver = BlockLanczos(count: count, tolerance: O.Scalar(tolerance), seed: seed)
        self.location = location
        self.warmStart = warmStart
    }

    /// The top-k eigenpairs of ∇²L at θ (location `.iterate`) or at θ − (η/2)·g (`.midpoint`,
    /// with g = ∇L(θ) and η = `learningRate`).
    public mutating func measure(_ objective: O, at theta: [O.Scalar], gradient: [O.Scalar], learningRate: Double)
        -> Eigenpairs<O.Scalar>
    {
        let point = location == .iterate ? theta : adding(theta, -O.Scalar(learningRate / 2), gradient)
        return measure(HessianOperator(objective, at: point))
    }

    /// The top-k eigenpairs of `op` (the Hessian at a point the caller chose, or a preconditioned
    /// one, docs/THEORY.md §11), warm-started from the last solve's eigenvectors.
    public mutating func measure<A: SymmetricOperator>(_ op: A) -> Eigenpairs<O.Scalar> where A.Scalar == O.Scalar {
        let result = solver.topEigenpairs(of: op, startVectors: warmStart)
        if result.eigenvalues.allSatisfy({ $0.isFinite }) { warmStart = result.eigenvectors }
        return result
    }
}
