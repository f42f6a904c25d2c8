import LinearAlgebra

/// Bidirectional multi-head self-attention after the `qkv` projection, before `proj`
/// (docs/ARCHITECTURES.md § Transformer): x = [q | k | v] [n, T, 3d] → y [n, T, d]. Per example
/// and head a (width dh = d/heads; qₐ, kₐ, vₐ the head's [T, dh] column blocks):
///   S = c·qₐkₐᵀ (c = 1/√dh),  A = softmax(S) row by row,  yₐ = A vₐ.
/// Backward: dA = dy vᵀ, dv = Aᵀdy, dS = A ⊙ (dA − rowsum(dA ⊙ A)), dq = c·dS k, dk = c·dSᵀq.
///
/// Taylor coefficients (docs/THEORY.md §7): the products are bilinear (Leibniz), and the
/// softmax, with ⟨·,·⟩ a row's inner product, expands as
///   A₁ = A ⊙ (S₁ − ⟨A, S₁⟩),  A₂ = A₁ ⊙ (S₁ − ⟨A, S₁⟩) + A ⊙ (S₂ − ⟨A₁, S₁⟩ − ⟨A, S₂⟩);
/// its backward g = dA − rowsum(dA ⊙ A), dS = A ⊙ g expands by Leibniz in (dA, A) and (A, g).
/// Caches A, A₁ (and A₂) [n, heads, T, T]; the small products run as plain loops with leading
/// dimensions 3d (q, k, v), d (y, dy) and T (A, S).
final class Attention<T: BLASScalar>: Layer {
    typealias Scalar = T
    let examples: Int
    let length: Int
    let width: Int
    let heads: Int
    var inputSize: Int { length * 3 * width }
    var outputSize: Int { length * width }
    private var headWidth: Int { width / heads }
    private var scale: T { 1 / T(headWidth).squareRoot() }
    private let probabilities0: Workspace<T>, probabilities1: Workspace<T>
    private var probabilities2: Workspace<T>?
    /// Six [T, T] matrices of transient work.
    private let work: Workspace<T>

    init(examples: Int, length: Int, width: Int, heads: Int) {
        precondition(width % heads == 0, "Attention: \(heads) heads do not divide width \(width)")
        self.examples = examples
        self.length = length
        self.width = width
        self.heads = heads
        probabilities0 = Workspace(count: examples * heads * length * length)
        probabilities1 = Workspace(count: examples * heads * length * length)
        work = Workspace(count: 6 * length * length)
    }

    private func secondProbabilities() -> Workspace<T> {
        if let p = probabilities2 { return p }
        let p = Workspace<T>(count: examples * heads * length * length)
        probabilities2 = p
        return p
    }

    /// C ← α·op(A)·op(B) + β·C (β ∈ {0, 1}) for the head-sized blocks, [m, k]·[k, n], by plain
    /// loops: at T × dh sizes (16 × 16) a BLAS call costs more in packing and dispatch than the
    /// product itself (measured: 5× slower for the transformer benchmark shape).
    @inline(__always)
    private func product(
        _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: T,
        _ a: UnsafePointer<T>, _ lda: Int, _ b: UnsafePointer<T>, _ ldb: Int, _ beta: T,
        _ c: UnsafeMutablePointer<T>, _ ldc: Int
    ) {
        for i in 0..<m {
            let row = c + i * ldc
            if beta == 0 { row.update(repeating: 0, count: n) }
            if transposeB {
                // C[i, j] += α Σₚ A[i, p]·B[j, p]: a dot product of two rows.
                for j in 0..<n {
                    let bj = b + j * ldb
                    var sum: T = 0
                    if transposeA {
                        for p in 0..<k { sum += a[p * lda + i] * bj[p] }
                    } else {
                        let ai = a + i * lda
                        for p in 0..<k { sum += ai[p] * bj[p] }
                    }
                    row[j] += alpha * sum
                }
            } else {
                // C[i, :] += α Σₚ A[i, p]·B[p, :]: rows of B scaled and added.
                for p in 0..<k {
                    let scale = alpha * (transposeA ? a[p * lda + i] : a[i * lda + p])
                    let bp = b + p * ldb
                    for j in 0..<n { row[j] += scale * bp[j] }
                }
            }
        }
    }

    /// Offsets of head a of example i: in x (q; k and v follow at +d, +2d), in y, in A.
    @inline(__always)
    private func offsets(_ i: Int, _ a: Int) -> (x: Int, y: Int, p: Int) {
        (i * length * 3 * width + a * headWidth, i * length * width + a * headWidth, (i * heads + a) * length * length)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward(_ p: ParameterJets<T>, x: UnsafePointer<T>, y: UnsafeMutablePointer<T>) {
        let tt = length, dh = headWidth, ld = 3 * width, s = work.pointer
        for i in 0..<examples {
            for a in 0..<heads {
                let o = offsets(i, a), q = x + o.x, k = q + width, v = q + 2 * width
                let probabilities = probabilities0.pointer + o.p
                product(false, true, tt, tt, dh, scale, q, ld, k, ld, 0, s, tt)
                for r in 0..<tt {
                    let row = s + r * tt, out = probabilities + r * tt
                    var largest = row[0]
                    for c in 1..<tt where row[c] > largest { largest = row[c] }
                    var sum: T = 0
                    for c in 0..<tt {
                        out[c] = T.exp(row[c] - largest)
                        sum += out[c]
                    }
                    for c in 0..<tt { out[c] /= sum }
                }
                product(false, false, tt, dh, tt, 1, probabilities, tt, v, ld, 0, y + o.y, width)
            }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backwardInput(_ p: ParameterJets<T>, x: UnsafePointer<T>, dy: UnsafePointer<T>, dx: UnsafeMutablePointer<T>, accumulate: Bool) {
        let tt = length, dh = headWidth, ld = 3 * width, g = work.pointer, beta: T = accumulate ? 1 : 0
        for i in 0..<examples {
            for a in 0..<heads {
                let o = offsets(i, a), q = x + o.x, k = q + width, v = q + 2 * width
                let probabilities = probabilities0.pointer + o.p, dO = dy + o.y
                let dq = dx + o.x, dk = dq + width, dv = dq + 2 * width
                product(false, true, tt, tt, dh, 1, dO, width, v, ld, 0, g, tt)
                product(true, false, tt, dh, tt, 1, probabilities, tt, dO, width, beta, dv, ld)
                for r in 0..<tt {
                    let e = r * tt
                    var inner: T = 0
                    for c in 0..<tt { inner += g[e + c] * probabilities[e + c] }
                    for c in 0..<tt { g[e + c] = probabilities[e + c] * (g[e + c] - inner) }
                }
                product(false, false, tt, dh, tt, scale, g, tt, k, ld, beta, dq, ld)
                product(true, false, tt, dh, tt, scale, g, tt, q, ld, beta, dk, ld)
            }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func taylorForward(_ p: ParameterJets<T>, x: Jet<T>, y: Jet<T>) {
        guard let x1 = x.c1 else { preconditionFailure("Attention: its input must depend on θ (the qkv projection)") }
        let tt = length, dh = headWidth, ld = 3 * width, c = scale
        let s1 = work.pointer, s2 = work.pointer + tt * tt
        let secondOrder = y.c2 != nil, x2 = x.c2
        let p2 = secondOrder ? secondProbabilities().pointer : nil
        for i in 0..<examples {
            for a in 0..<heads {
                let o = offsets(i, a)
                let q0 = x.c0 + o.x, k0 = q0 + width, v0 = q0 + 2 * width
                let q1 = x1 + o.x, k1 = q1 + width, v1 = q1 + 2 * width
                let a0 = probabilities0.pointer + o.p, a1 = probabilities1.pointer + o.p
                // S₁ = c(q₁kᵀ + qk₁ᵀ);  A₁ = A ⊙ (S₁ − ⟨A, S₁⟩)
                product(false, true, tt, tt, dh, c, q1, ld, k0, ld, 0, s1, tt)
                product(false, true, tt, tt, dh, c, q0, ld, k1, ld, 1, s1, tt)
                if let x2, let p2 {
                    // S₂ = c(q₂kᵀ + 2q₁k₁ᵀ + qk₂ᵀ)
                    let q2 = x2 + o.x, k2 = q2 + width
                    product(false, true, tt, tt, dh, c, q2, ld, k0, ld, 0, s2, tt)
                    product(false, true, tt, tt, dh, 2 * c, q1, ld, k1, ld, 1, s2, tt)
                    product(false, true, tt, tt, dh, c, q0, ld, k2, ld, 1, s2, tt)
                    let a2 = p2 + o.p
                    for r in 0..<tt {
                        let e = r * tt
                        var w1: T = 0, w2: T = 0
                        for col in 0..<tt {
                            w1 += a0[e + col] * s1[e + col]
                            w2 += a0[e + col] * s2[e + col]
                        }
                        var u11: T = 0
                        for col in 0..<tt {
                            a1[e + col] = a0[e + col] * (s1[e + col] - w1)
                            u11 += a1[e + col] * s1[e + col]
                        }
                        for col in 0..<tt {
                            a2[e + col] = a1[e + col] * (s1[e + col] - w1) + a0[e + col] * (s2[e + col] - u11 - w2)
                        }
                    }
                } else {
                    for r in 0..<tt {
                        let e = r * tt
                        var w1: T = 0
                        for col in 0..<tt { w1 += a0[e + col] * s1[e + col] }
                        for col in 0..<tt { a1[e + col] = a0[e + col] * (s1[e + col] - w1) }
                    }
                }
                // y₁ = A₁v + Av₁;  y₂ = A₂v + 2A₁v₁ + Av₂
                let y1 = y.c1! + o.y
                product(false, false, tt, dh, tt, 1, a1, tt, v0, ld, 0, y1, width)
                product(false, false, tt, dh, tt, 1, a0, tt, v1, ld, 1, y1, width)
                if let y2 = y.c2, let x2, let p2 {
                    let v2 = x2 + o.x + 2 * width, out = y2 + o.y
                    product(false, false, tt, dh, tt, 1, p2 + o.p, tt, v0, ld, 0, out, width)
                    product(false, false, tt, dh, tt, 2, a1, tt, v1, ld, 1, out, width)
                    product(false, false, tt, dh, tt, 1, a0, tt, v2, ld, 1, out, width)
                }
            }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func taylorBackward(_ p: ParameterJets<T>, x: Jet<T>, dy: Jet<T>, dx: Jet<T>?, accumulate: Bool) {
        guard let dx else { return }
        guard let x1 = x.c1 else { preconditionFailure("Attention: its input must depend on θ (the qkv projection)") }
        let tt = length, dh = headWidth, ld = 3 * width, c = scale, beta: T = accumulate ? 1 : 0
        let m = tt * tt
        let g0 = work.pointer, g1 = g0 + m, g2 = g1 + m, ds0 = g2 + m, ds1 = ds0 + m, ds2 = ds1 + m
        let x2 = x.c2, dy2 = dy.c2, dx2 = dx.c2
        let order2 = x2 != nil && dy2 != nil && dx2 != nil
        let p2 = order2 ? secondProbabilities().pointer : nil
        for i in 0..<examples {
            for a in 0..<heads {
                let o = offsets(i, a)
                let q0 = x.c0 + o.x, k0 = q0 + width, v0 = q0 + 2 * width
                let q1 = x1 + o.x, k1 = q1 + width, v1 = q1 + 2 * width
                let a0 = probabilities0.pointer + o.p, a1 = probabilities1.pointer + o.p
                let dO0 = dy.c0 + o.y, dO1 = dy.c1! + o.y
                let dq1 = dx.c1! + o.x, dk1 = dq1 + width, dv1 = dq1 + 2 * width
                // dA₀ = dO₀vᵀ;  dA₁ = dO₁vᵀ + dO₀v₁ᵀ;  dA₂ = dO₂vᵀ + 2dO₁v₁ᵀ + dO₀v₂ᵀ
                product(false, true, tt, tt, dh, 1, dO0, width, v0, ld, 0, g0, tt)
                product(false, true, tt, tt, dh, 1, dO1, width, v0, ld, 0, g1, tt)
                product(false, true, tt, tt, dh, 1, dO0, width, v1, ld, 1, g1, tt)
                // dv₁ = A₁ᵀdO₀ + AᵀdO₁
                product(true, false, tt, dh, tt, 1, a1, tt, dO0, width, beta, dv1, ld)
                product(true, false, tt, dh, tt, 1, a0, tt, dO1, width, 1, dv1, ld)
                if order2, let x2, let dy2, let dx2, let p2 {
                    let v2 = x2 + o.x + 2 * width, dO2 = dy2 + o.y, dv2 = dx2 + o.x + 2 * width, a2 = p2 + o.p
                    product(false, true, tt, tt, dh, 1, dO2, width, v0, ld, 0, g2, tt)
                    product(false, true, tt, tt, dh, 2, dO1, width, v1, ld, 1, g2, tt)
                    product(false, true, tt, tt, dh, 1, dO0, width, v2, ld, 1, g2, tt)
                    // dv₂ = A₂ᵀdO₀ + 2A₁ᵀdO₁ + AᵀdO₂
                    product(true, false, tt, dh, tt, 1, a2, tt, dO0, width, beta, dv2, ld)
                    product(true, false, tt, dh, tt, 2, a1, tt, dO1, width, 1, dv2, ld)
                    product(true, false, tt, dh, tt, 1, a0, tt, dO2, width, 1, dv2, ld)
                }
                // rₖ = rowsum((dA ⊙ A)ₖ); gₖ = dAₖ − rₖ; dSₖ = (A ⊙ g)ₖ.
                for r in 0..<tt {
                    let e = r * tt
                    var r0: T = 0, r1: T = 0, r2: T = 0
                    for col in 0..<tt {
                        r0 += g0[e + col] * a0[e + col]
                        r1 += g1[e + col] * a0[e + col] + g0[e + col] * a1[e + col]
                        if order2, let p2 {
                            let a2 = p2 + o.p
                            r2 += g2[e + col] * a0[e + col] + 2 * g1[e + col] * a1[e + col] + g0[e + col] * a2[e + col]
                        }
                    }
                    for col in 0..<tt {
                        g0[e + col] -= r0
                        g1[e + col] -= r1
                        ds0[e + col] = a0[e + col] * g0[e + col]
                        ds1[e + col] = a1[e + col] * g0[e + col] + a0[e + col] * g1[e + col]
                        if order2, let p2 {
                            let a2 = p2 + o.p
                            g2[e + col] -= r2
                            ds2[e + col] = a2[e + col] * g0[e + col] + 2 * a1[e + col] * g1[e + col] + a0[e + col] * g2[e + col]
                        }
                    }
                }
                // dq₁ = c(dS₁k + dS₀k₁);  dk₁ = c(dS₁ᵀq + dS₀ᵀq₁)
                product(false, false, tt, dh, tt, c, ds1, tt, k0, ld, beta, dq1, ld)
                product(false, false, tt, dh, tt, c, ds0, tt, k1, ld, 1, dq1, ld)
                product(true, false, tt, dh, tt, c, ds1, tt, q0, ld, beta, dk1, ld)
                product(true, false, tt, dh, tt, c, ds0, tt, q1, ld, 1, dk1, ld)
                if order2, let x2, let dx2 {
                    // dq₂ = c(dS₂k + 2dS₁k₁ + dS₀k₂);  dk₂ = c(dS₂ᵀq + 2dS₁ᵀq₁ + dS₀ᵀq₂)
                    let q2 = x2 + o.x, k2 = q2 + width, dq2 = dx2 + o.x, dk2 = dq2 + width
                    product(false, false, tt, dh, tt, c, ds2, tt, k0, ld, beta, dq2, ld)
                    product(false, false, tt, dh, tt, 2 * c, ds1, tt, k1, ld, 1, dq2, ld)
                    product(false, false, tt, dh, tt, c, ds0, tt, k2, ld, 1, dq2, ld)
                    product(true, false, tt, dh, tt, c, ds2, tt, q0, ld, beta, dk2, ld)
                    product(true, false, tt, dh, tt, 2 * c, ds1, tt, q1, ld, 1, dk2, ld)
                    product(true, false, tt, dh, tt, c, ds0, tt, q2, ld, 1, dk2, ld)
                }
            }
        }
    }
}
