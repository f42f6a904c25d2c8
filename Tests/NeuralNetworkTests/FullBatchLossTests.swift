import Testing
import Foundation
@testable import NeuralNetwork
import LinearAlgebra

/// A small random problem: X [n, d], one-hot (or ±1) targets, θ from PyTorch-style init scaled
/// up so the activations leave their linear range.
struct Problem {
    let sizes: [Int]
    let activation: Activation
    let loss: LossFunction
    let x: [[Double]]
    let y: [[Double]]
    let theta: [Double]

    init(activation: Activation, loss: LossFunction, seed: UInt64, depth: Int = 2) {
        let d = 3, width = 4, n = 5
        let k = loss == .logistic ? 1 : 3
        self.sizes = [d] + Array(repeating: width, count: depth) + [k]
        self.activation = activation
        self.loss = loss
        var g = SeededGenerator(seed: seed, stream: .testing)
        x = (0..<n).map { _ in (0..<d).map { _ in g.nextNormal() } }
        y = (0..<n).map { i in
            k == 1 ? [i % 2 == 0 ? 1.0 : -1.0] : (0..<k).map { $0 == (i % k) ? 1.0 : 0.0 }
        }
        let net = Network.perceptron(inputs: d, depth: depth, width: width, outputs: k, activation: activation)
        theta = net.initialParameters(.pytorch, seed: seed).map { 2.5 * $0 }
    }

    var network: Network {
        Network.perceptron(inputs: sizes[0], depth: sizes.count - 2, width: sizes[1], outputs: sizes.last!, activation: activation)
    }

    func objective<T: BLASScalar>(_: T.Type) -> FullBatchLoss<T> {
        FullBatchLoss(
            network: network, loss: loss,
            inputs: Matrix<Double>(x).converted(to: T.self), targets: Matrix<Double>(y).converted(to: T.self))
    }

    func referenceLoss(_ theta: [Double]) -> Double {
        ReferenceNetwork.loss(theta, sizes: sizes, activation: activation, loss: loss, x: x, y: y)
    }

    /// The smallest distance of a pre-activation to a kink of the activation (∞ for smooth ones).
    func kinkMargin(_ theta: [Double]) -> Double {
        let pre = ReferenceNetwork.forward(theta, sizes: sizes, activation: activation, x: x).preActivations
        switch activation {
        case .relu, .elu: return pre.map { abs($0) }.min()!
        case .hardtanh: return pre.map { min(abs($0 - 1), abs($0 + 1)) }.min()!
        default: return .infinity
        }
    }
}

func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    norm(adding(a, -1, b)) / max(norm(b), 1e-300)
}

func randomDirection(count: Int, seed: UInt64) -> [Double] {
    var g = SeededGenerator(seed: seed, stream: .testing)
    return (0..<count).map { _ in g.nextNormal() }
}

/// Central differences: (f(θ + εv) − f(θ − εv)) / 2ε has error O(ε²) + O(ε_mach/ε); with
/// ε ≈ ε_mach^(1/3) ≈ 6e-6 both are ~1e-11 relative, far below the 1e-6 asserted.
let step = 6e-6

@Suite struct ExactDerivativeTests {
    static let cases: [(Activation, LossFunction)] = Activation.allCases.flatMap { a in LossFunction.allCases.map { (a, $0) } }

    /// θ with every pre-activation more than 1e-3 away from a kink (finite differences move
    /// pre-activations by ~1e-4 at most here).
    func problem(_ a: Activation, _ l: LossFunction) -> Problem {
        for seed in UInt64(1)...200 {
            let p = Problem(activation: a, loss: l, seed: seed)
            if p.kinkMargin(p.theta) > 1e-3 { return p }
        }
        fatalError("no kink-free point found")
    }

    @Test(arguments: cases)
    func gradientHVPAndThirdDerivativeMatchCentralDifferences(activation: Activation, loss: LossFunction) {
        let p = problem(activation, loss)
        let f = p.objective(Double.self)
        let theta = p.theta
        let n = theta.count
        // The loss value against the independent scalar implementation.
        #expect(abs(f.loss(at: theta) - p.referenceLoss(theta)) <= 1e-12 * max(1, abs(p.referenceLoss(theta))))

        // ∇L against central differences of the reference loss along every coordinate.
        let g = f.lossAndGradient(at: theta).gradient
        let fd = (0..<n).map { i -> Double in
            var plus = theta, minus = theta
            plus[i] += step; minus[i] -= step
            return (p.referenceLoss(plus) - p.referenceLoss(minus)) / (2 * step)
        }
        #expect(relativeError(g, fd) < 1e-6, "gradient \(activation) \(loss)")

        // ∇²L·v against central differences of ∇L along v.
        let v = randomDirection(count: n, seed: 11)
        let hv = f.hessianVectorProduct(at: theta, v)
        let hvFD = adding(
            f.lossAndGradient(at: adding(theta, step, v)).gradient, -1,
            f.lossAndGradient(at: adding(theta, -step, v)).gradient
        ).map { $0 / (2 * step) }
        #expect(relativeError(hv, hvFD) < 1e-6, "HVP \(activation) \(loss)")

        // ∇³L[u,u] against central differences of ∇²L(θ ± εu)·u.
        let u = normalized(randomDirection(count: n, seed: 12))
        let third = f.thirdDerivative(at: theta, u)
        let thirdFD = adding(
            f.hessianVectorProduct(at: adding(theta, step, u), u), -1,
            f.hessianVectorProduct(at: adding(theta, -step, u), u)
        ).map { $0 / (2 * step) }
        // Nonzero even for relu with mse: products of three weights across layers.
        #expect(norm(thirdFD) > 1e-6)
        #expect(relativeError(third, thirdFD) < 1e-6, "third derivative \(activation) \(loss)")

        // The combined pass returns the same two vectors.
        let both = f.hessianVectorProductAndThirdDerivative(at: theta, u)
        #expect(relativeError(both.thirdDerivative, third) < 1e-14)
        #expect(relativeError(both.hessianVector, f.hessianVectorProduct(at: theta, u)) < 1e-14)

        // Symmetry aᵀ(Hb) = bᵀ(Ha).
        let a = randomDirection(count: n, seed: 21), b = randomDirection(count: n, seed: 22)
        let aHb = dot(a, f.hessianVectorProduct(at: theta, b)), bHa = dot(b, f.hessianVectorProduct(at: theta, a))
        #expect(abs(aHb - bHa) <= 1e-12 * max(abs(aHb), 1e-300), "symmetry \(activation) \(loss)")
    }

    @Test(arguments: cases)
    func float32AgreesWithFloat64(activation: Activation, loss: LossFunction) {
        let p = problem(activation, loss)
        let f64 = p.objective(Double.self), f32 = p.objective(Float.self)
        let t64 = p.theta, t32 = p.theta.map { Float($0) }
        let u = normalized(randomDirection(count: t64.count, seed: 5))
        let u32 = u.map { Float($0) }
        let widen = { (x: [Float]) in x.map { Double($0) } }
        #expect(relativeError(widen(f32.lossAndGradient(at: t32).gradient), f64.lossAndGradient(at: t64).gradient) < 1e-4)
        #expect(relativeError(widen(f32.hessianVectorProduct(at: t32, u32)), f64.hessianVectorProduct(at: t64, u)) < 1e-3)
        let third64 = f64.thirdDerivative(at: t64, u)
        if norm(third64) > 0 {
            #expect(relativeError(widen(f32.thirdDerivative(at: t32, u32)), third64) < 1e-3)
        }
    }
}

/// The loss caches its passes per θ and computes only what a request needs (a Hessian-vector
/// product at a new θ skips the parameter gradient; the order-2 buffers come with the first
/// ∇³L): every order of requests must give the same bits.
@Suite struct CachedPassTests {
    @Test(arguments: [Activation.tanh, .softplus], [LossFunction.mse, .crossEntropy])
    func requestsInAnyOrderGiveTheSameBits(activation: Activation, loss: LossFunction) {
        let p = Problem(activation: activation, loss: loss, seed: 7, depth: 3)
        let theta = p.theta, other = adding(p.theta, 0.1, randomDirection(count: p.theta.count, seed: 3))
        let u = randomDirection(count: theta.count, seed: 4)
        // Reference: gradient, then HVP, then ∇³L, each on a fresh loss.
        let gradient = p.objective(Double.self).lossAndGradient(at: theta).gradient
        let hv = p.objective(Double.self).hessianVectorProduct(at: theta, u)
        let both = p.objective(Double.self).hessianVectorProductAndThirdDerivative(at: theta, u)
        #expect(both.hessianVector == hv)

        let f = p.objective(Double.self)
        #expect(f.hessianVectorProduct(at: theta, u) == hv)  // deltas only, no gradient
        #expect(f.lossAndGradient(at: theta).gradient == gradient)  // gradient after the deltas
        #expect(f.hessianVectorProductAndThirdDerivative(at: theta, u).thirdDerivative == both.thirdDerivative)
        _ = f.hessianVectorProductAndThirdDerivative(at: other, u)  // another θ in between
        #expect(f.hessianVectorProduct(at: theta, u) == hv)
        #expect(f.hessianVectorProductAndThirdDerivative(at: theta, u).thirdDerivative == both.thirdDerivative)
        #expect(f.lossAndGradient(at: theta).gradient == gradient)
    }
}

@Suite struct ClosedFormTests {
    /// A linear model (depth 0) under mse has Hessian (X̃ᵀX̃/n) ⊗ I_k with X̃ = [X, 1] — in the
    /// parameter order W[o, i] then b[o], H[(o,i), (o',i')] = δ_oo' (X̃ᵀX̃)_ii' / n.
    @Test func linearModelHessianIsTheInputGram() {
        let p = Problem(activation: .tanh, loss: .mse, seed: 3, depth: 0)
        let f = p.objective(Double.self)
        let d = 3, k = 3, n = Double(p.x.count)
        let xt = p.x.map { $0 + [1.0] }
        func index(_ o: Int, _ i: Int) -> Int { i < d ? o * d + i : d * k + o }
        for column in 0..<f.dimension {
            var e = [Double](repeating: 0, count: f.dimension)
            e[column] = 1
            let h = f.hessianVectorProduct(at: p.theta, e)
            for o in 0..<k {
                for i in 0...d {
                    var expected = 0.0
                    for o2 in 0..<k {
                        for i2 in 0...d where index(o2, i2) == column && o2 == o {
                            expected = xt.map { $0[i] * $0[i2] }.reduce(0, +) / n
                        }
                    }
                    #expect(abs(h[index(o, i)] - expected) < 1e-13)
                }
            }
        }
        #expect(norm(f.thirdDerivative(at: p.theta, normalized(randomDirection(count: f.dimension, seed: 1)))) == 0)
    }

    @Test func parameterLayoutNamesPyTorchSlices() {
        let net = Network.perceptron(inputs: 64, depth: 2, width: 64, outputs: 10, activation: .tanh)
        #expect(net.parameterCount == 64 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10)
        let s = net.parameters
        #expect(
            s.map(\.name) == [
                "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                "layers.2.weight", "layers.2.bias",
            ])
        #expect(s[2].shape == [64, 64] && s[2].range == 4160..<8256)
        // fc-tanh 3072→200→200→10 of docs/THEORY.md §9
        #expect(
            Network.perceptron(inputs: 3072, depth: 2, width: 200, outputs: 10, activation: .tanh)
                .parameterCount == 656_810)
    }

    @Test func initializationIsUniformWithinTheFanInBound() {
        let net = Network.perceptron(inputs: 100, depth: 1, width: 50, outputs: 2, activation: .tanh)
        let theta: [Double] = net.initialParameters(.pytorch, seed: 4)
        let w0 = theta[0..<5000]
        #expect(w0.allSatisfy { abs($0) <= 0.1 })
        let secondMoment: Double = w0.map { $0 * $0 }.reduce(0, +) / 5000
        #expect(abs(secondMoment - 0.01 / 3) < 0.0005)  // Var U(±b) = b²/3; 5000 draws: sd ≈ 4e-5
        let zeroBias: [Double] = net.initialParameters(.pytorchZeroBias, seed: 4)
        #expect(zeroBias[5000..<5050].allSatisfy { $0 == 0 })
        #expect(Array(zeroBias[0..<5000]) == Array(w0))
        #expect(theta == net.initialParameters(.pytorch, seed: 4))
        #expect(theta != net.initialParameters(.pytorch, seed: 5))
    }
}
