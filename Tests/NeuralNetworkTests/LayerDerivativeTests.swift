import Testing
import Foundation
@testable import NeuralNetwork
import LinearAlgebra

/// Finite-difference checks of every layer through small networks that isolate it: a CNN block
/// (Conv2d, activation, AvgPool2d or MaxPool2d, Flatten, Dense), GroupNorm and LayerNorm after a
/// convolution, a ResNet (strided and 1×1 shortcut convolutions, the residual join,
/// GlobalAvgPool), and a VGG-11. Central differences with `step` (FullBatchLossTests.swift:
/// ε ≈ ε_mach^(1/3), error ~1e-11 relative) against the exact ∇L, ∇²L·v and ∇³L[u, u].
@Suite struct LayerDerivativeTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let architecture: Architecture
        let input: ImageShape
        let activation: Activation
        let loss: LossFunction
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "cnn avg tanh", architecture: .cnn(depth: 2, width: 3, pool: .avg, norm: .none),
            input: ImageShape(channels: 2, height: 5, width: 4), activation: .tanh, loss: .mse),
        Case(
            name: "cnn max softplus ce", architecture: .cnn(depth: 1, width: 4, pool: .max, norm: .none),
            input: ImageShape(channels: 1, height: 4, width: 6), activation: .softplus, loss: .crossEntropy),
        Case(
            name: "cnn group gelu", architecture: .cnn(depth: 1, width: 4, pool: .avg, norm: .group(groups: 2)),
            input: ImageShape(channels: 2, height: 4, width: 4), activation: .gelu, loss: .mse),
        Case(
            name: "cnn layer swish logistic", architecture: .cnn(depth: 2, width: 2, pool: .max, norm: .layer),
            input: ImageShape(channels: 1, height: 4, width: 4), activation: .swish, loss: .logistic),
        Case(
            name: "resnet none elu", architecture: .resnet(depth: 1, width: 2, norm: .none),
            input: ImageShape(channels: 2, height: 4, width: 4), activation: .tanh, loss: .catMSE),
        Case(
            name: "resnet group tanh", architecture: .resnet(depth: 2, width: 2, norm: .group(groups: 2)),
            input: ImageShape(channels: 1, height: 3, width: 5), activation: .tanh, loss: .mse),
        Case(
            name: "transformer gelu logistic", architecture: .transformer(depth: 1, width: 4, heads: 2, vocab: 5, length: 3),
            input: .flat(3), activation: .gelu, loss: .logistic),
        Case(
            name: "transformer 2 blocks tanh mse", architecture: .transformer(depth: 2, width: 6, heads: 3, vocab: 4, length: 4),
            input: .flat(4), activation: .tanh, loss: .mse),
        Case(
            name: "vgg11 layer tanh", architecture: .vgg(depth: 11, width: 1, norm: .layer),
            input: ImageShape(channels: 1, height: 32, width: 32), activation: .tanh, loss: .mse),
    ]

    /// A network, θ (scaled up so the nonlinearities matter), data and its loss.
    func problem(_ c: Case, examples n: Int = 3) throws -> (FullBatchLoss<Double>, [Double]) {
        let outputs = c.loss == .logistic ? 1 : 3
        let network = try Network(c.architecture, input: c.input, outputs: outputs, activation: c.activation)
        var g = SeededGenerator(seed: 5, stream: .testing)
        // Images are N(0, 1) pixels; a transformer reads token ids below its vocabulary.
        var vocabulary: Int?
        if case .transformer(_, _, _, let vocab, _) = c.architecture { vocabulary = vocab }
        let x = Matrix<Double>(
            rows: n, columns: c.input.count,
            storage: (0..<(n * c.input.count)).map { _ in vocabulary.map { Double(g.next() % UInt64($0)) } ?? g.nextNormal() })
        let y = Matrix<Double>(
            rows: n, columns: outputs,
            storage: (0..<(n * outputs)).map { e in outputs == 1 ? (e % 2 == 0 ? 1 : -1) : (e % outputs == (e / outputs) % outputs ? 1 : 0)
            })
        // Norm scales and shifts away from 1 and 0, so that their derivatives are exercised.
        let theta = network.initialParameters(.pytorch, seed: 3, as: Double.self).enumerated().map { i, t in
            1.5 * t + 0.1 * sin(Double(i))
        }
        return (FullBatchLoss(network: network, loss: c.loss, inputs: x, targets: y), theta)
    }

    @Test(arguments: cases)
    func gradientHVPAndThirdDerivativeMatchCentralDifferences(_ c: Case) throws {
        let (f, theta) = try problem(c)
        let n = theta.count
        let g = f.lossAndGradient(at: theta).gradient
        // ∇L along a direction supported on one tensor at a time: a slice mislaid in θ fails here.
        for tensor in f.network.parameters {
            var v = [Double](repeating: 0, count: n)
            let r = randomDirection(count: tensor.range.count, seed: UInt64(tensor.range.lowerBound))
            for (k, i) in tensor.range.enumerated() { v[i] = r[k] }
            let fd = (f.loss(at: adding(theta, step, v)) - f.loss(at: adding(theta, -step, v))) / (2 * step)
            let exact = zip(g, v).map { $0 * $1 }.reduce(0, +)
            #expect(abs(exact - fd) <= 1e-6 * max(abs(fd), norm(v) * norm(g) * 1e-3), "\(c.name) ∇L along \(tensor.name)")
        }
        let v = randomDirection(count: n, seed: 11)
        let hv = f.hessianVectorProduct(at: theta, v)
        let hvFD = adding(
            f.lossAndGradient(at: adding(theta, step, v)).gradient, -1,
            f.lossAndGradient(at: adding(theta, -step, v)).gradient
        ).map { $0 / (2 * step) }
        #expect(relativeError(hv, hvFD) < 1e-6, "\(c.name) HVP")
        let u = normalized(randomDirection(count: n, seed: 12))
        let (hu, third) = f.hessianVectorProductAndThirdDerivative(at: theta, u)
        let thirdFD = adding(
            f.hessianVectorProduct(at: adding(theta, step, u), u), -1,
            f.hessianVectorProduct(at: adding(theta, -step, u), u)
        ).map { $0 / (2 * step) }
        #expect(norm(thirdFD) > 1e-8)
        #expect(relativeError(third, thirdFD) < 1e-6, "\(c.name) ∇³L[u, u]")
        #expect(relativeError(hu, f.hessianVectorProduct(at: theta, u)) < 1e-14)
    }

    @Test func float32AgreesWithFloat64() throws {
        let c = Self.cases[5]
        let (f64, theta) = try problem(c)
        var g = SeededGenerator(seed: 5, stream: .testing)
        let x = (0..<(3 * c.input.count)).map { _ in g.nextNormal() }
        let f32 = FullBatchLoss<Float>(
            network: f64.network, loss: c.loss,
            inputs: Matrix(rows: 3, columns: c.input.count, storage: x).converted(to: Float.self),
            targets: Matrix(rows: 3, columns: 3, storage: (0..<9).map { $0 % 4 == 0 ? 1.0 : 0 }).converted(to: Float.self))
        let u = normalized(randomDirection(count: theta.count, seed: 12))
        let (h64, t64) = f64.hessianVectorProductAndThirdDerivative(at: theta, u)
        let (h32, t32) = f32.hessianVectorProductAndThirdDerivative(at: theta.map { Float($0) }, u.map { Float($0) })
        #expect(relativeError(h32.map { Double($0) }, h64) < 1e-4)
        #expect(relativeError(t32.map { Double($0) }, t64) < 1e-4)
    }

    @Test func stateDictNamesFollowThePyTorchModules() throws {
        let cnn = try Network(
            .cnn(depth: 2, width: 4, pool: .avg, norm: .group(groups: 2)), input: ImageShape(channels: 3, height: 8, width: 8), outputs: 10,
            activation: .tanh)
        #expect(
            cnn.parameters.map(\.name) == [
                "features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias",
                "features.4.weight", "features.4.bias", "features.5.weight", "features.5.bias",
                "classifier.weight", "classifier.bias",
            ])
        #expect(cnn.parameters[0].shape == [4, 3, 3, 3] && cnn.parameters[8].shape == [10, 4 * 2 * 2])
        let resnet = try Network(
            .resnet(depth: 1, width: 2, norm: .none), input: ImageShape(channels: 1, height: 8, width: 8), outputs: 2, activation: .relu)
        #expect(
            resnet.parameters.map(\.name) == [
                "stem.0.weight",
                "stages.0.0.conv1.weight", "stages.0.0.conv2.weight",
                "stages.1.0.conv1.weight", "stages.1.0.conv2.weight", "stages.1.0.shortcut.0.weight",
                "stages.2.0.conv1.weight", "stages.2.0.conv2.weight", "stages.2.0.shortcut.0.weight",
                "head.weight", "head.bias",
            ])
        let vgg = try Network(
            .vgg(depth: 11, width: 1, norm: .none), input: ImageShape(channels: 3, height: 32, width: 32), outputs: 10, activation: .relu)
        #expect(vgg.parameters.map(\.name).first == "features.0.weight" && vgg.parameters.map(\.name).contains("features.18.weight"))
        #expect(vgg.parameters[vgg.parameters.count - 2].shape == [10, 8])
    }

    @Test func networksThatDoNotFitTheirInputAreErrorsNamingTheKey() {
        #expect(throws: NetworkError(key: "model.depth", reason: "4 pooling blocks need inputs of at least 16×16, the data are 8×8")) {
            try Network(
                .cnn(depth: 4, width: 4, pool: .avg, norm: .none), input: ImageShape(channels: 1, height: 8, width: 8), outputs: 10,
                activation: .tanh)
        }
        #expect(throws: NetworkError.self) {
            try Network(
                .vgg(depth: 12, width: 4, norm: .none), input: ImageShape(channels: 3, height: 32, width: 32), outputs: 10,
                activation: .tanh)
        }
        #expect(throws: NetworkError(key: "model.groups", reason: "8 groups do not divide 12 channels (model.width = 12)")) {
            try Network(
                .cnn(depth: 1, width: 12, pool: .avg, norm: .group(groups: 8)), input: ImageShape(channels: 1, height: 8, width: 8),
                outputs: 10, activation: .tanh)
        }
    }
}
