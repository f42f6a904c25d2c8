import LinearAlgebra

/// A twice-differentiable scalar function of a flat parameter vector θ ∈ ℝᴺ with exact
/// derivatives up to third order: the full-batch training loss of a network, or a toy loss in
/// tests. Everything in Curvature and Dynamics is written against this protocol.
///
/// Implementations may cache the work done at the last θ they saw (the forward pass), so
/// repeated queries at one point — the Hessian-vector products of an eigen-solve — are cheap.
public protocol Objective<Scalar>: AnyObject {
    associatedtype Scalar: BLASScalar
    /// N, the number of parameters.
    var dimension: Int { get }
    /// L(θ)
    func loss(at theta: [Scalar]) -> Scalar
    /// (L(θ), ∇L(θ))
    func lossAndGradient(at theta: [Scalar]) -> (loss: Scalar, gradient: [Scalar])
    /// ∇²L(θ)·v
    func hessianVectorProduct(at theta: [Scalar], _ v: [Scalar]) -> [Scalar]
    /// ∇²L(θ)·v written into `result` ([N]): what eigen-solvers call, so that an objective
    /// which can fill a caller's buffer saves one allocation per product.
    func hessianVectorProduct(at theta: [Scalar], _ v: [Scalar], into result: inout [Scalar])
    /// L(θ), writing ∇L(θ) into `gradient` ([N]): the allocation-free form of `lossAndGradient`.
    func lossAndGradient(at theta: [Scalar], into gradient: inout [Scalar]) -> Scalar
    /// ∇³L(θ)[u, u], the vector with i-th entry Σⱼₖ ∂ᵢ∂ⱼ∂ₖL uⱼuₖ (= ∇S when u is the top unit
    /// eigenvector, docs/THEORY.md §2).
    func thirdDerivative(at theta: [Scalar], _ u: [Scalar]) -> [Scalar]
    /// The fraction of examples classified correctly at θ (NaN when the objective is no classifier).
    func accuracy(at theta: [Scalar]) -> Scalar
}

/// The Hessian ∇²L(θ) of an objective at a fixed θ, as a symmetric operator.
public struct HessianOperator<O: Objective>: SymmetricOperator {
    public let objective: O
    public let theta: [O.Scalar]
    public init(_ objective: O, at theta: [O.Scalar]) {
        precondition(theta.count == objective.dimension, "θ has \(theta.count) entries, the objective \(objective.dimension)")
        self.objective = objective
        self.theta = theta
    }
    public var dimension: Int { objective.dimension }
    public mutating func apply(_ v: [O.Scalar], into result: inout [O.Scalar]) {
        objective.hessianVectorProduct(at: theta, v, into: &result)
    }
}

extension Objective {
    /// Allocates through `hessianVectorProduct(at:_:)`; objectives that can do better override it.
    public func hessianVectorProduct(at theta: [Scalar], _ v: [Scalar], into result: inout [Scalar]) {
        result = hessianVectorProduct(at: theta, v)
    }

    /// Allocates through `lossAndGradient(at:)`; objectives that can do better override it.
    public func lossAndGradient(at theta: [Scalar], into gradient: inout [Scalar]) -> Scalar {
        let (loss, g) = lossAndGradient(at: theta)
        gradient = g
        return loss
    }

    /// Classification accuracy at θ; NaN for objectives that are not classifiers (toy losses).
    public func accuracy(at theta: [Scalar]) -> Scalar { .nan }
}
