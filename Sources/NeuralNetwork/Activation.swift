import RealModule
import LinearAlgebra

/// Elementwise activation functions σ with their first three derivatives, exactly as
/// docs/THEORY.md §8 defines them (the third derivative is what ∇³L[u,u] needs).
///
/// Piecewise-linear activations (relu, hardtanh) have σ'' = σ''' = 0 everywhere we evaluate
/// them; at the kinks the derivative follows PyTorch (relu'(0) = 0, hardtanh'(±1) = 0,
/// elu'(0) = 1).
public enum Activation: String, Sendable, CaseIterable, Codable {
    case tanh, relu, elu, gelu, softplus, swish, hardtanh, linear

    /// σ(z), σ'(z), σ''(z), σ'''(z) of one pre-activation.
    @inlinable
    public func derivatives<T: BLASScalar>(_ z: T) -> (value: T, first: T, second: T, third: T) {
        switch self {
        case .tanh:
            let t = T.tanh(z)
            let d1 = 1 - t * t
            return (t, d1, -2 * t * d1, d1 * (6 * t * t - 2))
        case .relu:
            return z > 0 ? (z, 1, 0, 0) : (0, 0, 0, 0)
        case .elu:
            if z > 0 { return (z, 1, 0, 0) }
            let e = T.exp(z)
            return (T.expMinusOne(z), e, e, e)
        case .gelu:
            // σ = zΦ(z); σ' = Φ + zφ; σ'' = φ(2 − z²); σ''' = φ(z³ − 4z), φ the standard normal pdf.
            let phi = T.exp(-z * z / 2) / T.sqrt(2 * T.pi)
            let cdf = T.erfc(-z / T.sqrt(2)) / 2
            return (z * cdf, cdf + z * phi, phi * (2 - z * z), phi * (z * z * z - 4 * z))
        case .softplus:
            // log(1 + eᶻ) = max(z, 0) + log1p(e^−|z|); σ' = s, σ'' = s(1 − s), σ''' = s(1 − s)(1 − 2s).
            let e = T.exp(-Swift.abs(z))
            let s = z >= 0 ? 1 / (1 + e) : e / (1 + e)
            let s1 = e / ((1 + e) * (1 + e))
            return (Swift.max(z, 0) + T.log(onePlus: e), s, s1, s1 * (1 - 2 * s))
        case .swish:
            // σ = z s with s the logistic sigmoid; s' = s(1 − s), s'' = s'(1 − 2s).
            let e = T.exp(-Swift.abs(z))
            let s = z >= 0 ? 1 / (1 + e) : e / (1 + e)
            let sp = e / ((1 + e) * (1 + e))
            let spp = sp * (1 - 2 * s)
            let q = 2 + z * (1 - 2 * s)
            return (z * s, s + z * sp, sp * q, spp * q + sp * (1 - 2 * s) - 2 * z * sp * sp)
        case .hardtanh:
            if z <= -1 { return (-1, 0, 0, 0) }
            if z >= 1 { return (1, 0, 0, 0) }
            return (z, 1, 0, 0)
        case .linear:
            return (z, 1, 0, 0)
        }
    }

    /// σ(z) and σ'(z) of every entry of `z` ([count]): what the loss and its gradient need.
    /// tanh goes through the vectorised `vectorTanh` (σ' = 1 − σ²), the others entry by entry.
    @inlinable
    public func evaluate<T: BLASScalar>(
        _ z: UnsafeBufferPointer<T>, value: UnsafeMutableBufferPointer<T>, first: UnsafeMutableBufferPointer<T>
    ) {
        guard let zp = z.baseAddress, let vp = value.baseAddress, let fp = first.baseAddress else { return }
        let count = z.count
        switch self {
        case .tanh:
            T.vectorTanh(zp, into: vp, count: count)
            for i in 0..<count { fp[i] = 1 - vp[i] * vp[i] }
        default:
            for i in 0..<count {
                let d = derivatives(zp[i])
                vp[i] = d.value
                fp[i] = d.first
            }
        }
    }

    /// σ''(z) and σ'''(z) of every entry of `z`, given `value` = σ(z) from `evaluate`: what the
    /// Taylor pass adds (computed once per θ). For tanh with t = σ(z): σ'' = −2t(1 − t²),
    /// σ''' = (1 − t²)(6t² − 2).
    @inlinable
    public func evaluateHigher<T: BLASScalar>(
        _ z: UnsafeBufferPointer<T>, value: UnsafeBufferPointer<T>,
        second: UnsafeMutableBufferPointer<T>, third: UnsafeMutableBufferPointer<T>
    ) {
        guard let zp = z.baseAddress, let vp = value.baseAddress, let sp = second.baseAddress,
            let tp = third.baseAddress
        else { return }
        let count = z.count
        switch self {
        case .tanh:
            for i in 0..<count {
                let t = vp[i], d1 = 1 - t * t
                sp[i] = -2 * t * d1
                tp[i] = d1 * (6 * t * t - 2)
            }
        default:
            for i in 0..<count {
                let d = derivatives(zp[i])
                sp[i] = d.second
                tp[i] = d.third
            }
        }
    }
}
