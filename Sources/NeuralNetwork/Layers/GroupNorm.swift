import LinearAlgebra

/// `nn.GroupNorm(G, C, eps = 1e-5)` (LayerNorm over an image when G = 1) on channels-last
/// x [n, S, C] (S = H·W pixels): per example and group 𝒢 (C/G channels × S pixels, m entries)
///   μ = mean_𝒢 x,  v = mean_𝒢 (x − μ)²,  r = (v + eps)^(−1/2),  x̂ = (x − μ)·r,  y = γ[c]·x̂ + β[c],
/// with γ, β [C]. Backward: with g = γ ⊙ dy, dx = r·(g − mean_𝒢 g − x̂·mean_𝒢(g x̂)), ∂γ = Σ dy x̂, ∂β = Σ dy.
///
/// Taylor coefficients (docs/THEORY.md §7), per group, with xcₖ = xₖ − mean xₖ (k = 1, 2):
///   v₁ = 2·mean(x̂₀ xc₁)/r₀,  v₂ = 2·mean(xc₁²) + 2·mean(x̂₀ xc₂)/r₀,
///   r₁ = −½r₀³v₁,  r₂ = ¾r₀⁵v₁² − ½r₀³v₂       (r′ = −½r³, r″ = ¾r⁵),
///   x̂₁ = xc₁r₀ + xc₀r₁,  x̂₂ = xc₂r₀ + 2xc₁r₁ + xc₀r₂  (xc₀ = x̂₀/r₀),
///   y₁ = γx̂₁ + γ₁x̂₀ + β₁,  y₂ = γx̂₂ + 2γ₁x̂₁           (γ₁, β₁: u's slices);
/// the backward expands g, a = mean g, b = mean(g x̂), h = g − a − x̂b and dx = r·h by Leibniz.
final class GroupNorm<T: BLASScalar>: Layer {
    typealias Scalar = T
    let examples: Int
    let shape: ImageShape
    let groups: Int
    let weightOffset: Int
    let biasOffset: Int
    static var epsilon: Double { 1e-5 }
    var inputSize: Int { shape.count }
    var outputSize: Int { shape.count }
    /// x̂ at orders 0, 1, 2 ([n, S, C]) and r at orders 0, 1, 2 ([n, G]); order 2 on first use.
    private let normalized0: Workspace<T>, normalized1: Workspace<T>
    private var normalized2: Workspace<T>?
    private let scale0: Workspace<T>, scale1: Workspace<T>, scale2: Workspace<T>

    init(examples: Int, shape: ImageShape, groups: Int, weightOffset: Int, biasOffset: Int) {
        precondition(shape.channels % groups == 0, "GroupNorm: \(groups) groups do not divide \(shape.channels) channels")
        self.examples = examples
        self.shape = shape
        self.groups = groups
        self.weightOffset = weightOffset
        self.biasOffset = biasOffset
        normalized0 = Workspace(count: examples * shape.count)
        normalized1 = Workspace(count: examples * shape.count)
        scale0 = Workspace(count: examples * groups)
        scale1 = Workspace(count: examples * groups)
        scale2 = Workspace(count: examples * groups)
    }

    /// Channels per group, and the entries m of one group.
    private var groupWidth: Int { shape.channels / groups }
    private var groupCount: T { T(shape.pixels * groupWidth) }

    /// Calls `body(index, channel)` for every entry of group g of example i.
    @inline(__always)
    private func forEach(example i: Int, group g: Int, _ body: (Int, Int) -> Void) {
        let c = shape.channels, w = groupWidth
        for s in 0..<shape.pixels {
            let row = (i * shape.pixels + s) * c
            for ch in (g * w)..<((g + 1) * w) { body(row + ch, ch) }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward(_ p: ParameterJets<T>, x: UnsafePointer<T>, y: UnsafeMutablePointer<T>) {
        let gamma = p.theta + weightOffset, beta = p.theta + biasOffset
        let xh = normalized0.pointer, r = scale0.pointer, m = groupCount, eps = T(Self.epsilon)
        for i in 0..<examples {
            for g in 0..<groups {
                var sum: T = 0
                forEach(example: i, group: g) { e, _ in sum += x[e] }
                let mean = sum / m
                var squares: T = 0
                forEach(example: i, group: g) { e, _ in squares += (x[e] - mean) * (x[e] - mean) }
                let rg = 1 / (squares / m + eps).squareRoot()
                r[i * groups + g] = rg
                forEach(example: i, group: g) { e, ch in
                    xh[e] = (x[e] - mean) * rg
                    y[e] = gamma[ch] * xh[e] + beta[ch]
                }
            }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backwardInput(_ p: ParameterJets<T>, x: UnsafePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>, accumulate: Bool) {
        let gamma = p.theta + weightOffset
        let xh = normalized0.pointer, r = scale0.pointer, m = groupCount
        for i in 0..<examples {
            for g in 0..<groups {
                var a: T = 0, b: T = 0
                forEach(example: i, group: g) { e, ch in
                    let ge = gamma[ch] * dy[e]
                    a += ge
                    b += ge * xh[e]
                }
                a /= m
                b /= m
                let rg = r[i * groups + g]
                forEach(example: i, group: g) { e, ch in
                    let value = rg * (gamma[ch] * dy[e] - a - xh[e] * b)
                    dx[e] = accumulate ? dx[e] + value : value
                }
            }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backwardParameters(_ p: ParameterJets<T>, x: UnsafePointer<T>, dy: UnsafePointer<T>) {
        let g = p.order0!
        affineGradient(dy: dy, normalized: normalized0.pointer, alpha: 1, gamma: g + weightOffset, beta: g + biasOffset, accumulate: false)
    }

    /// ∂γ (+)= α Σ dy ⊙ x̂ and ∂β (+)= α Σ dy, over all examples and pixels.
    @inline(__always)
    private func affineGradient(
        dy: UnsafePointer<T>, normalized xh: UnsafePointer<T>, alpha: T, gamma: UnsafeMutablePointer<T>,
        beta: UnsafeMutablePointer<T>?, accumulate: Bool
    ) {
        let c = shape.channels
        if !accumulate {
            gamma.update(repeating: 0, count: c)
            beta?.update(repeating: 0, count: c)
        }
        for row in 0..<(examples * shape.pixels) {
            let base = row * c
            for ch in 0..<c {
                gamma[ch] += alpha * dy[base + ch] * xh[base + ch]
                beta?[ch] += alpha * dy[base + ch]
            }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func taylorForward(_ p: ParameterJets<T>, x: Jet<T>, y: Jet<T>) {
        guard let x1 = x.c1 else { preconditionFailure("GroupNorm: the input must depend on θ (a norm right after the data is not built)") }
        let gamma = p.theta + weightOffset, gamma1 = p.direction! + weightOffset
        let xh0 = normalized0.pointer, xh1 = normalized1.pointer
        let r0 = scale0.pointer, r1 = scale1.pointer, r2 = scale2.pointer, m = groupCount
        let x2 = x.c2, secondOrder = y.c2 != nil
        let xh2 = secondOrder ? normalized2Buffer().pointer : nil
        for i in 0..<examples {
            for g in 0..<groups {
                var m1: T = 0, m2: T = 0
                forEach(example: i, group: g) { e, _ in
                    m1 += x1[e]
                    if let x2 { m2 += x2[e] }
                }
                m1 /= m
                m2 /= m
                var p1: T = 0, p2: T = 0, q: T = 0
                forEach(example: i, group: g) { e, _ in
                    let c1 = x1[e] - m1
                    p1 += xh0[e] * c1
                    if let x2 {
                        p2 += xh0[e] * (x2[e] - m2)
                        q += c1 * c1
                    }
                }
                p1 /= m
                p2 /= m
                q /= m
                let k = i * groups + g, s0 = r0[k]
                let v1 = 2 * p1 / s0
                let s1 = -s0 * s0 * s0 * v1 / 2
                r1[k] = s1
                if secondOrder {
                    let v2 = 2 * q + 2 * p2 / s0
                    let s0cubed = s0 * s0 * s0
                    r2[k] = 3 * s0cubed * s0 * s0 * v1 * v1 / 4 - s0cubed * v2 / 2
                }
                let s2 = r2[k]
                forEach(example: i, group: g) { e, _ in
                    let c0 = xh0[e] / s0, c1 = x1[e] - m1
                    xh1[e] = c1 * s0 + c0 * s1
                    if let xh2, let x2 { xh2[e] = (x2[e] - m2) * s0 + 2 * c1 * s1 + c0 * s2 }
                }
            }
        }
        let y1 = y.c1!, beta = p.direction! + biasOffset
        let c = shape.channels
        for row in 0..<(examples * shape.pixels) {
            let base = row * c
            for ch in 0..<c {
                let e = base + ch
                y1[e] = gamma[ch] * xh1[e] + gamma1[ch] * xh0[e] + beta[ch]
                if let y2 = y.c2, let xh2 { y2[e] = gamma[ch] * xh2[e] + 2 * gamma1[ch] * xh1[e] }
            }
        }
    }

    private func normalized2Buffer() -> Workspace<T> {
        if let buffer = normalized2 { return buffer }
        let buffer = Workspace<T>(count: examples * shape.count)
        normalized2 = buffer
        return buffer
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func taylorBackward(_ p: ParameterJets<T>, x: Jet<T>, dy: Jet<T>, dx: Jet<T>?, accumulate: Bool) {
        let gamma = p.theta + weightOffset, gamma1 = p.direction! + weightOffset
        let xh0 = normalized0.pointer, xh1 = normalized1.pointer
        let r0 = scale0.pointer, r1 = scale1.pointer, r2 = scale2.pointer, m = groupCount
        let dy0 = dy.c0, dy1 = dy.c1!, dy2 = dy.c2
        let xh2 = dy2 != nil ? normalized2Buffer().pointer : nil
        // Parameters: (∂γ)₁ = Σ dy₁x̂₀ + dy₀x̂₁, (∂γ)₂ = Σ dy₂x̂₀ + 2dy₁x̂₁ + dy₀x̂₂; (∂β)ₖ = Σ dyₖ.
        let g1 = p.order1!
        affineGradient(dy: dy1, normalized: xh0, alpha: 1, gamma: g1 + weightOffset, beta: g1 + biasOffset, accumulate: false)
        affineGradient(dy: dy0, normalized: xh1, alpha: 1, gamma: g1 + weightOffset, beta: nil, accumulate: true)
        if let dy2, let xh2, let g2 = p.order2 {
            affineGradient(dy: dy2, normalized: xh0, alpha: 1, gamma: g2 + weightOffset, beta: g2 + biasOffset, accumulate: false)
            affineGradient(dy: dy1, normalized: xh1, alpha: 2, gamma: g2 + weightOffset, beta: nil, accumulate: true)
            affineGradient(dy: dy0, normalized: xh2, alpha: 1, gamma: g2 + weightOffset, beta: nil, accumulate: true)
        }
        guard let dx else { return }
        let dx1 = dx.c1!, dx2 = dx.c2
        for i in 0..<examples {
            for g in 0..<groups {
                // g₀ = γdy₀, g₁ = γdy₁ + γ₁dy₀, g₂ = γdy₂ + 2γ₁dy₁; aₖ = mean gₖ; bₖ = mean (g x̂)ₖ.
                var a0: T = 0, a1: T = 0, a2: T = 0, b0: T = 0, b1: T = 0, b2: T = 0
                forEach(example: i, group: g) { e, ch in
                    let q0 = gamma[ch] * dy0[e], q1 = gamma[ch] * dy1[e] + gamma1[ch] * dy0[e]
                    a0 += q0
                    a1 += q1
                    b0 += q0 * xh0[e]
                    b1 += q1 * xh0[e] + q0 * xh1[e]
                    if let dy2, let xh2 {
                        let q2 = gamma[ch] * dy2[e] + 2 * gamma1[ch] * dy1[e]
                        a2 += q2
                        b2 += q2 * xh0[e] + 2 * q1 * xh1[e] + q0 * xh2[e]
                    }
                }
                a0 /= m
                a1 /= m
                a2 /= m
                b0 /= m
                b1 /= m
                b2 /= m
                let k = i * groups + g, s0 = r0[k], s1 = r1[k], s2 = r2[k]
                // hₖ = gₖ − aₖ − (x̂b)ₖ; dx₁ = r₀h₁ + r₁h₀, dx₂ = r₀h₂ + 2r₁h₁ + r₂h₀.
                forEach(example: i, group: g) { e, ch in
                    let q0 = gamma[ch] * dy0[e], q1 = gamma[ch] * dy1[e] + gamma1[ch] * dy0[e]
                    let h0 = q0 - a0 - xh0[e] * b0
                    let h1 = q1 - a1 - xh1[e] * b0 - xh0[e] * b1
                    let v1 = s0 * h1 + s1 * h0
                    dx1[e] = accumulate ? dx1[e] + v1 : v1
                    if let dy2, let xh2, let dx2 {
                        let q2 = gamma[ch] * dy2[e] + 2 * gamma1[ch] * dy1[e]
                        let h2 = q2 - a2 - xh2[e] * b0 - 2 * xh1[e] * b1 - xh0[e] * b2
                        let v2 = s0 * h2 + 2 * s1 * h1 + s2 * h0
                        dx2[e] = accumulate ? dx2[e] + v2 : v2
                    }
                }
            }
        }
    }
}
