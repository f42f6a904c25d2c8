import RealModule
import LinearAlgebra

/// The per-example losses ℓ(f, y) of docs/THEORY.md §8, averaged over the n examples of the batch.
/// Outputs F and targets Y are [n, k].
public enum LossFunction: String, Sendable, CaseIterable, Codable {
    /// ½·mean_i ‖f_i − y_i‖² (Cohen et al.)
    case mse
    /// mean_i ‖f_i − y_i‖² (Damian et al.; twice the sharpness of `mse`)
    case catMSE = "cat_mse"
    /// mean_i −log softmax(f_i)[label_i], label_i = argmax y_i (one-hot targets)
    case crossEntropy = "ce"
    /// mean_i log(1 + exp(−y_i f_i)), one output, y_i = ±1
    case logistic
}

/// A loss evaluated at fixed outputs F: its value and the derivatives with respect to F that a
/// Taylor pass needs, each already divided by n:
/// G₀ = ∇ℓ(F), ∇²ℓ(F)[H], ∇³ℓ(F)[H, H].
struct LossAtOutputs<T: BLASScalar> {
    let function: LossFunction
    let n: Int
    let k: Int
    /// The value L = (1/n) Σᵢ ℓᵢ.
    private(set) var value: T = 0
    /// Per-example auxiliaries: softmax p [n, k] for ce; s = σ(−y f) [n] then y [n] for logistic.
    private var auxiliary: [T]

    /// Evaluates at F (`outputs`, [n, k]) with targets Y and writes G₀ into `gradient` ([n, k]).
    init(
        _ function: LossFunction, outputs: UnsafeBufferPointer<T>, targets: UnsafeBufferPointer<T>,
        n: Int, k: Int, gradient: UnsafeMutableBufferPointer<T>
    ) {
        self.function = function
        self.n = n
        self.k = k
        let invN = 1 / T(n)
        switch function {
        case .mse, .catMSE:
            let c: T = function == .mse ? 1 : 2
            var sum: T = 0
            for i in 0..<(n * k) {
                let r = outputs[i] - targets[i]
                sum += r * r
                gradient[i] = c * invN * r
            }
            value = (function == .mse ? sum / 2 : sum) * invN
            auxiliary = []
        case .crossEntropy:
            auxiliary = [T](repeating: 0, count: n * k)
            var sum: T = 0
            for i in 0..<n {
                let row = i * k
                var label = 0
                var m = outputs[row]
                for j in 0..<k {
                    m = Swift.max(m, outputs[row + j])
                    if targets[row + j] > targets[row + label] { label = j }
                }
                var z: T = 0
                for j in 0..<k { z += T.exp(outputs[row + j] - m) }
                sum += m + T.log(z) - outputs[row + label]
                for j in 0..<k {
                    let p = T.exp(outputs[row + j] - m) / z
                    auxiliary[row + j] = p
                    gradient[row + j] = invN * (p - (j == label ? 1 : 0))
                }
            }
            value = sum * invN
        case .logistic:
            precondition(k == 1, "logistic loss needs one output, got \(k)")
            auxiliary = [T](repeating: 0, count: 2 * n)
            var sum: T = 0
            for i in 0..<n {
                let margin = targets[i] * outputs[i]
                // log(1 + e^−m) and s = σ(−m), computed without overflow.
                let e = T.exp(-Swift.abs(margin))
                sum += Swift.max(-margin, 0) + T.log(onePlus: e)
                let s = margin >= 0 ? e / (1 + e) : 1 / (1 + e)
                auxiliary[i] = s
                auxiliary[n + i] = targets[i]
                gradient[i] = -invN * targets[i] * s
            }
            value = sum * invN
        }
    }

    /// out ← ∇²ℓ(F)[H] + (third ? ∇³ℓ(F)[H₁, H₁] : 0) — with `h` the direction H and `h1` the
    /// first-order direction H₁ (used only for the third-order term).
    func directional(
        _ h: UnsafeBufferPointer<T>, thirdOrderAlong h1: UnsafeBufferPointer<T>?,
        into out: UnsafeMutableBufferPointer<T>
    ) {
        let invN = 1 / T(n)
        switch function {
        case .mse, .catMSE:
            // ℓ is quadratic: ∇²ℓ[H] = cH/n, ∇³ℓ = 0.
            let c: T = function == .mse ? invN : 2 * invN
            for i in 0..<(n * k) { out[i] = c * h[i] }
        case .crossEntropy:
            // Per row, J = diag(p) − ppᵀ: ∇²ℓ[h] = p⊙h − p(p·h); with dp = J h₁,
            // ∇³ℓ[h₁, h₁] = dp⊙h₁ − dp(p·h₁) − p(dp·h₁).
            for i in 0..<n {
                let row = i * k
                var ph: T = 0
                for j in 0..<k { ph += auxiliary[row + j] * h[row + j] }
                for j in 0..<k { out[row + j] = invN * auxiliary[row + j] * (h[row + j] - ph) }
                if let h1 = h1 {
                    var ph1: T = 0
                    for j in 0..<k { ph1 += auxiliary[row + j] * h1[row + j] }
                    var dph1: T = 0
                    for j in 0..<k { dph1 += auxiliary[row + j] * (h1[row + j] - ph1) * h1[row + j] }
                    for j in 0..<k {
                        let dp = auxiliary[row + j] * (h1[row + j] - ph1)
                        out[row + j] += invN * (dp * h1[row + j] - dp * ph1 - auxiliary[row + j] * dph1)
                    }
                }
            }
        case .logistic:
            // With m = y f and s = σ(−m): dℓ/df = −y s, d²ℓ/df² = y² s(1 − s),
            // d³ℓ/df³ = −y³ s(1 − s)(1 − 2s).
            for i in 0..<n {
                let s = auxiliary[i], y = auxiliary[n + i]
                let ss = s * (1 - s)
                out[i] = invN * y * y * ss * h[i]
                if let h1 = h1 { out[i] -= invN * y * y * y * ss * (1 - 2 * s) * h1[i] * h1[i] }
            }
        }
    }
}
