import LinearAlgebra

/// The first Taylor coefficients of one tensor along θ(ε) = θ + εu: x(ε) = x₀ + εx₁ + (ε²/2)x₂
/// (docs/THEORY.md §7). Each coefficient is [n, size] row-major. `c1` and `c2` are nil for a
/// constant (the data: it does not move with θ) and `c2` is nil in a first-order pass.
struct Jet<T: BLASScalar> {
    let c0: UnsafeMutablePointer<T>
    let c1: UnsafeMutablePointer<T>?
    let c2: UnsafeMutablePointer<T>?
}

/// Where a layer reads its parameters and writes their derivatives: base pointers of whole
/// [N] vectors, each layer addressing its own slice by the offsets it was built with.
struct ParameterJets<T: BLASScalar> {
    /// θ (order 0) and the direction u (order 1; θ's order-2 coefficient is 0).
    let theta: UnsafePointer<T>
    let direction: UnsafePointer<T>?
    /// ∇L (order-0 pass), or ∇²L·u and ∇³L[u, u] (Taylor pass; `order2` nil in a first-order pass).
    let order0: UnsafeMutablePointer<T>?
    let order1: UnsafeMutablePointer<T>?
    let order2: UnsafeMutablePointer<T>?
}

/// One layer y = f(θ, x) of a network, per example [inputSize] → [outputSize], with the rules a
/// full-batch loss needs (docs/ARCHITECTURE.md § Engine): the forward pass, the backward pass
/// (vector-Jacobian products), and their Taylor expansions of orders 1 and 2 along u, from which
/// ∇²L·u and ∇³L[u, u] follow exactly. One instance per loss: it holds the per-θ caches it needs
/// (σ'(z), a max-pool's winners, a norm's statistics) for n examples.
///
/// Backward rules *accumulate* into dx when `accumulate` (a value read by several layers, as a
/// residual block's input) and overwrite it otherwise. Parameter derivatives are written: every
/// parameter belongs to exactly one layer.
protocol Layer<Scalar>: AnyObject {
    associatedtype Scalar: BLASScalar
    /// n, the examples of a pass.
    var examples: Int { get }
    /// Entries of one example's input and output.
    var inputSize: Int { get }
    var outputSize: Int { get }

    /// y₀ = f(θ, x₀), filling the layer's order-0 caches.
    func forward(_ parameters: ParameterJets<Scalar>, x: UnsafePointer<Scalar>, y: UnsafeMutablePointer<Scalar>)
    /// dx = (∂f/∂x)ᵀ dy at the cached point.
    func backwardInput(
        _ parameters: ParameterJets<Scalar>, x: UnsafePointer<Scalar>, dy: UnsafePointer<Scalar>,
        dx: UnsafeMutablePointer<Scalar>, accumulate: Bool)
    /// (∂f/∂θ)ᵀ dy into `parameters.order0` at the layer's offsets (nothing for parameter-free layers).
    func backwardParameters(_ parameters: ParameterJets<Scalar>, x: UnsafePointer<Scalar>, dy: UnsafePointer<Scalar>)
    /// Per-θ work the Taylor passes share (σ'', σ'''), once after `forward`.
    func prepareTaylor(x: UnsafePointer<Scalar>, y: UnsafePointer<Scalar>)
    /// y₁ (and y₂ when `y.c2` is set) from the input's jet and θ + εu.
    func taylorForward(_ parameters: ParameterJets<Scalar>, x: Jet<Scalar>, y: Jet<Scalar>)
    /// The Taylor coefficients of the backward pass: dx₁, dx₂ (when `dx` is non-nil) and the
    /// parameter derivatives (∂f/∂θ)ᵀdy expanded to orders 1 and 2.
    func taylorBackward(
        _ parameters: ParameterJets<Scalar>, x: Jet<Scalar>, dy: Jet<Scalar>, dx: Jet<Scalar>?, accumulate: Bool)
}

extension Layer {
    /// n · inputSize and n · outputSize: the entries of x and y.
    var inputCount: Int { examples * inputSize }
    var outputCount: Int { examples * outputSize }

    func backwardParameters(_ parameters: ParameterJets<Scalar>, x: UnsafePointer<Scalar>, dy: UnsafePointer<Scalar>) {}
    func prepareTaylor(x: UnsafePointer<Scalar>, y: UnsafePointer<Scalar>) {}
}

/// out[j] (+)= Σᵢ m[i, j] for row-major m: [rows, columns] (a bias gradient δᵀ1).
@inline(__always)
func columnSums<T: BLASScalar>(
    _ m: UnsafePointer<T>, rows: Int, columns: Int, into out: UnsafeMutablePointer<T>, alpha: T = 1, accumulate: Bool = false
) {
    if !accumulate { out.update(repeating: 0, count: columns) }
    for i in 0..<rows {
        let row = m + i * columns
        for j in 0..<columns { out[j] += alpha * row[j] }
    }
}
