import Foundation  // pow, C's, as Python's ** calls it for torch's bias corrections
import LinearAlgebra

/// The update rule of a full-batch run (docs/THEORY.md §11), each one exactly as torch.optim
/// computes it on CPU (the single-tensor code path, no weight decay), so that a run can be
/// reproduced in PyTorch. With g = ∇L(θ_t) and k = t + 1 the update's 1-based count:
///
/// - `gd`: θ ← θ − η g.
/// - `polyak(β)` = `SGD(lr=η, momentum=β)`: b ← g at k = 1, else b ← β b + g; θ ← θ − η b.
/// - `nesterov(β)` = `SGD(lr=η, momentum=β, nesterov=True)`: b as polyak; θ ← θ − η (g + β b).
/// - `rmsprop(α, ε)` = `RMSprop(lr=η, alpha=α, eps=ε)` (no momentum, not centered):
///   v ← α v + (1 − α) g² (v₀ = 0); θ ← θ − η g / (√v + ε).
/// - `adam(β₁, β₂, ε)` = `Adam(lr=η, betas=(β₁, β₂), eps=ε)`: m ← m + (1 − β₁)(g − m),
///   v ← β₂ v + (1 − β₂) g² (m₀ = v₀ = 0); θ ← θ − (η / (1 − β₁ᵏ)) m / (√v / √(1 − β₂ᵏ) + ε),
///   i.e. θ −= η m̂ / (√v̂ + ε) with the bias-corrected m̂, v̂ and ε outside the root.
///
/// Each has a stability threshold c/η on a quadratic (``stabilityConstant``): the sharpness it
/// is compared with is λ_max(∇²L) for gd and the momentum methods, and the preconditioned
/// λ_max(P^{-1/2} ∇²L P^{-1/2}) with P = diag(√v̂) + ε for the adaptive ones (``isAdaptive``).
public enum Optimizer: Sendable, Equatable {
    case gd
    case polyak(momentum: Double)
    case nesterov(momentum: Double)
    case rmsprop(alpha: Double, epsilon: Double)
    case adam(beta1: Double, beta2: Double, epsilon: Double)

    /// c in the threshold c/η (docs/THEORY.md §11): 2 for gd and rmsprop, 2 + 2β for polyak,
    /// (2 + 2β)/(1 + 2β) for nesterov, (2 + 2β₁)/(1 − β₁) for adam.
    public var stabilityConstant: Double {
        switch self {
        case .gd, .rmsprop: 2
        case .polyak(let beta): 2 + 2 * beta
        case .nesterov(let beta): (2 + 2 * beta) / (1 + 2 * beta)
        case .adam(let beta1, _, _): (2 + 2 * beta1) / (1 - beta1)
        }
    }

    /// The threshold c/η the run's (preconditioned) sharpness is compared with.
    public func threshold(learningRate: Double) -> Double { stabilityConstant / learningRate }

    /// True for rmsprop and adam: their sharpness is the preconditioned one.
    public var isAdaptive: Bool {
        switch self {
        case .rmsprop, .adam: true
        case .gd, .polyak, .nesterov: false
        }
    }

    /// Whether the optimizer keeps a momentum buffer (b for polyak and nesterov, m for adam).
    var hasMomentumBuffer: Bool {
        switch self {
        case .polyak, .nesterov, .adam: true
        case .gd, .rmsprop: false
        }
    }

    /// Update k (1-based) from θ with gradient g and step size η, in place: θ and the buffers
    /// (`momentum`: b or m, `squares`: v; empty before the first update, [N] after it) become
    /// those after the update. `.gd` is `axpy(−η, g, θ)`.
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public func update<T: BLASScalar>(
        _ theta: inout [T], momentum: inout [T], squares: inout [T], gradient: [T], learningRate: Double, count k: Int
    ) {
        precondition(k >= 1 && gradient.count == theta.count, "Optimizer.update: bad count or sizes")
        let n = theta.count
        let negativeEta = T(-learningRate)
        switch self {
        case .gd:
            axpy(negativeEta, gradient, &theta)
        case .polyak(let beta), .nesterov(let beta):
            let beta = T(beta), nesterov = { if case .nesterov = self { true } else { false } }()
            if momentum.isEmpty {
                momentum = gradient  // torch: buf = grad.clone() at the first step
            } else {
                for i in 0..<n { momentum[i] = momentum[i] * beta + gradient[i] }
            }
            for i in 0..<n {
                let direction = nesterov ? gradient[i] + beta * momentum[i] : momentum[i]
                theta[i] = theta[i] + negativeEta * direction
            }
        case .rmsprop(let alpha, let epsilon):
            if squares.isEmpty { squares = [T](repeating: 0, count: n) }
            let alphaT = T(alpha), weight = T(1 - alpha), epsilonT = T(epsilon)
            for i in 0..<n {
                squares[i] = Self.movingSquare(squares[i], gradient[i], decay: alphaT, weight: weight)
                theta[i] = theta[i] + negativeEta * gradient[i] / (squares[i].squareRoot() + epsilonT)
            }
        case .adam(let beta1, let beta2, let epsilon):
            if momentum.isEmpty { momentum = [T](repeating: 0, count: n) }
            if squares.isEmpty { squares = [T](repeating: 0, count: n) }
            let c = AdamCoefficients(beta1: beta1, beta2: beta2, epsilon: epsilon, learningRate: learningRate, count: k)
            let weight1 = T(1 - beta1), beta2T = T(beta2), weight2 = T(1 - beta2)
            let negativeStep = T(-c.stepSize), rootCorrection = T(c.rootCorrection2), epsilonT = T(epsilon)
            for i in 0..<n {
                momentum[i] = Self.lerp(momentum[i], gradient[i], weight: weight1)
                squares[i] = Self.movingSquare(squares[i], gradient[i], decay: beta2T, weight: weight2)
                let denominator = squares[i].squareRoot() / rootCorrection + epsilonT
                theta[i] = theta[i] + negativeStep * momentum[i] / denominator
            }
        }
    }

    /// The diagonal P of the preconditioner update k would divide by, P = √v̂ + ε with the v̂ of
    /// that update (v after it, bias-corrected for adam), from the buffer `squares` before it
    /// (empty: v = 0) and the gradient g of its θ; nil for the non-adaptive optimizers. The same
    /// arithmetic as `update`, so P is bit for bit the denominator of the step taken.
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public func preconditioner<T: BLASScalar>(squares: [T], gradient: [T], count k: Int) -> [T]? {
        let n = gradient.count
        let v = { (i: Int) -> T in squares.isEmpty ? 0 : squares[i] }
        switch self {
        case .gd, .polyak, .nesterov:
            return nil
        case .rmsprop(let alpha, let epsilon):
            let alphaT = T(alpha), weight = T(1 - alpha), epsilonT = T(epsilon)
            return (0..<n).map { i in
                Self.movingSquare(v(i), gradient[i], decay: alphaT, weight: weight).squareRoot() + epsilonT
            }
        case .adam(let beta1, let beta2, let epsilon):
            let c = AdamCoefficients(beta1: beta1, beta2: beta2, epsilon: epsilon, learningRate: 1, count: k)
            let beta2T = T(beta2), weight2 = T(1 - beta2), rootCorrection = T(c.rootCorrection2), epsilonT = T(epsilon)
            return (0..<n).map { i in
                Self.movingSquare(v(i), gradient[i], decay: beta2T, weight: weight2).squareRoot() / rootCorrection + epsilonT
            }
        }
    }

    /// v·decay + weight·g·g: torch's `v.mul_(decay).addcmul_(g, g, value=weight)`.
    @inline(__always)
    static func movingSquare<T: BLASScalar>(_ v: T, _ g: T, decay: T, weight: T) -> T {
        v * decay + weight * g * g
    }

    /// torch's `m.lerp_(g, weight)` (ATen's `lerp`): m + weight·(g − m) for |weight| < ½, else
    /// g − (g − m)·(1 − weight).
    @inline(__always)
    static func lerp<T: BLASScalar>(_ m: T, _ g: T, weight: T) -> T {
        abs(weight) < T(0.5) ? m + weight * (g - m) : g - (g - m) * (1 - weight)
    }
}

/// Adam's scalars of update k, in Double as torch forms them in Python: the step size
/// η/(1 − β₁ᵏ) and √(1 − β₂ᵏ).
struct AdamCoefficients {
    let stepSize: Double
    let rootCorrection2: Double

    init(beta1: Double, beta2: Double, epsilon: Double, learningRate: Double, count k: Int) {
        stepSize = learningRate / (1 - pow(beta1, Double(k)))
        rootCorrection2 = pow(1 - pow(beta2, Double(k)), 0.5)  // Python: bias_correction2 ** 0.5
    }
}
