import Foundation
@testable import NeuralNetwork
import LinearAlgebra

/// An independent scalar implementation of the network and losses (Foundation libm, plain
/// loops, no BLAS, no shared code with the engine) for finite-difference checks.
enum ReferenceNetwork {
    static func activation(_ a: Activation, _ z: Double) -> Double {
        switch a {
        case .tanh: return Foundation.tanh(z)
        case .relu: return Swift.max(z, 0)
        case .elu: return z > 0 ? z : Foundation.exp(z) - 1
        case .gelu: return 0.5 * z * Foundation.erfc(-z / 2.0.squareRoot())
        case .softplus: return Foundation.log(1 + Foundation.exp(z))
        case .swish: return z / (1 + Foundation.exp(-z))
        case .hardtanh: return Swift.min(Swift.max(z, -1), 1)
        case .linear: return z
        }
    }

    /// Pre-activations of every hidden unit, and the outputs: sizes [d, h…, k].
    static func forward(_ theta: [Double], sizes: [Int], activation a: Activation, x: [[Double]])
        -> (outputs: [[Double]], preActivations: [Double])
    {
        var pre: [Double] = []
        var outputs: [[Double]] = []
        for row in x {
            var h = row
            var offset = 0
            for l in 0..<(sizes.count - 1) {
                let nin = sizes[l], nout = sizes[l + 1]
                var z = [Double](repeating: 0, count: nout)
                for o in 0..<nout {
                    var s = theta[offset + nin * nout + o]
                    for i in 0..<nin { s += theta[offset + o * nin + i] * h[i] }
                    z[o] = s
                }
                offset += nin * nout + nout
                if l < sizes.count - 2 {
                    pre += z
                    h = z.map { activation(a, $0) }
                } else {
                    h = z
                }
            }
            outputs.append(h)
        }
        return (outputs, pre)
    }

    static func loss(
        _ theta: [Double], sizes: [Int], activation: Activation, loss: LossFunction,
        x: [[Double]], y: [[Double]]
    ) -> Double {
        let f = forward(theta, sizes: sizes, activation: activation, x: x).outputs
        var total = 0.0
        for (fi, yi) in zip(f, y) {
            switch loss {
            case .mse: total += 0.5 * zip(fi, yi).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            case .catMSE: total += zip(fi, yi).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            case .crossEntropy:
                let label = yi.firstIndex(of: yi.max()!)!
                total += Foundation.log(fi.map { Foundation.exp($0) }.reduce(0, +)) - fi[label]
            case .logistic: total += Foundation.log(1 + Foundation.exp(-yi[0] * fi[0]))
            }
        }
        return total / Double(x.count)
    }
}
