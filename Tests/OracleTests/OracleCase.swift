import Foundation
import NeuralNetwork

/// One network of the PyTorch cross-check: architecture, input shape, activation, loss and batch.
struct OracleCase: CustomStringConvertible, Sendable {
    var architecture: Architecture
    var input: ImageShape
    var activation: Activation
    var loss: LossFunction
    var n: Int
    var initialization: Network.Initialization = .pytorch

    /// One output for the logistic loss (targets ±1), three otherwise.
    var outputs: Int { loss == .logistic ? 1 : 3 }

    var description: String {
        let model: String
        switch architecture {
        case .mlp(let depth, let width): model = "mlp depth \(depth) width \(width)"
        case .cnn(let depth, let width, let pool, let norm):
            model = "cnn depth \(depth) width \(width) pool \(pool.rawValue) norm \(Self.name(norm))"
        case .vgg(let depth, let width, let norm): model = "vgg-\(depth) width \(width) norm \(Self.name(norm))"
        case .resnet(let depth, let width, let norm): model = "resnet depth \(depth) width \(width) norm \(Self.name(norm))"
        case .transformer(let depth, let width, let heads, let vocab, let length):
            model = "transformer depth \(depth) width \(width) heads \(heads) vocab \(vocab) length \(length)"
        }
        let shape = "\(input.channels)×\(input.height)×\(input.width)"
        return "\(model) \(activation) \(loss.rawValue) \(initialization.rawValue) on \(shape), n = \(n)"
    }

    static func name(_ norm: Normalization) -> String {
        switch norm {
        case .none: "none"
        case .layer: "layer"
        case .group(let groups): "group(\(groups))"
        }
    }

    /// The model and loss as a run's config.json holds them ({"model": {…}, "loss": {"name": …}}):
    /// what torch_derivatives.py builds its module from.
    var configJSON: String {
        var model: [String: Any] = ["activation": activation.rawValue]
        var tokens: [String: Any]?
        func set(_ arch: String, _ depth: Int, _ width: Int, _ norm: Normalization?) {
            model["arch"] = arch
            model["depth"] = depth
            model["width"] = width
            switch norm {
            case nil: break
            case .none?: model["norm"] = "none"
            case .layer?: model["norm"] = "layer"
            case .group(let groups)?:
                model["norm"] = "group"
                model["groups"] = groups
            }
        }
        switch architecture {
        case .mlp(let depth, let width): set("mlp", depth, width, nil)
        case .cnn(let depth, let width, let pool, let norm):
            set("cnn", depth, width, norm)
            model["pool"] = pool.rawValue
        case .vgg(let depth, let width, let norm): set("vgg", depth, width, norm)
        case .resnet(let depth, let width, let norm): set("resnet", depth, width, norm)
        case .transformer(let depth, let width, let heads, let vocab, let length):
            set("transformer", depth, width, nil)
            model["heads"] = heads
            tokens = ["name": "tokens", "vocab": vocab, "length": length]
        }
        var object: [String: Any] = ["model": model, "loss": ["name": loss.rawValue]]
        if let tokens { object["data"] = tokens }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    static let losses: [LossFunction] = [.mse, .catMSE, .crossEntropy, .logistic]
    static let norms: [Normalization] = [.none, .group(groups: 2), .layer]

    /// Every case: each architecture family with every norm, both pools, every activation on the
    /// MLP, the CNN and the transformer, every loss on each family, odd image sizes (pools and
    /// strides that drop a row), VGG-11/13/16/19, transformers of depth 1 and 2 with 1, 2, 3 and
    /// 4 heads, and the zero-bias initialisation.
    static var all: [OracleCase] { mlp + cnn + vgg + resnet + transformer }

    static var mlp: [OracleCase] {
        let shape = ImageShape(channels: 1, height: 3, width: 2)
        var cases = Activation.allCases.enumerated().map { i, activation in
            OracleCase(architecture: .mlp(depth: 2, width: 5), input: shape, activation: activation, loss: losses[i % 4], n: 5)
        }
        cases.append(OracleCase(architecture: .mlp(depth: 0, width: 5), input: shape, activation: .tanh, loss: .crossEntropy, n: 5))
        cases.append(
            OracleCase(
                architecture: .mlp(depth: 1, width: 4), input: ImageShape(channels: 1, height: 1, width: 5), activation: .softplus,
                loss: .catMSE, n: 4, initialization: .pytorchZeroBias))
        return cases
    }

    static var cnn: [OracleCase] {
        let shape = ImageShape(channels: 2, height: 8, width: 8)
        var cases: [OracleCase] = []
        // Every activation with both pools at depth 2, the norms and losses turning over.
        for (i, activation) in Activation.allCases.enumerated() {
            for (j, pool) in [Pooling.avg, .max].enumerated() {
                cases.append(
                    OracleCase(
                        architecture: .cnn(depth: 2, width: 4, pool: pool, norm: norms[(i + j) % 3]), input: shape,
                        activation: activation, loss: losses[(2 * i + j) % 4], n: 3))
            }
        }
        // Depth 1: every pool × norm.
        let activations: [Activation] = [.tanh, .relu, .gelu, .elu, .swish, .hardtanh]
        for (j, pool) in [Pooling.avg, .max].enumerated() {
            for (m, norm) in norms.enumerated() {
                cases.append(
                    OracleCase(
                        architecture: .cnn(depth: 1, width: 4, pool: pool, norm: norm), input: shape,
                        activation: activations[3 * j + m], loss: losses[(j + m) % 4], n: 3))
            }
        }
        // Odd sizes (7 → 3 → 1, 9 → 4 → 2: pooling drops the last row and column); one channel per group.
        let odd = ImageShape(channels: 1, height: 7, width: 9)
        cases.append(
            OracleCase(
                architecture: .cnn(depth: 2, width: 4, pool: .max, norm: .group(groups: 4)), input: odd, activation: .tanh, loss: .mse, n: 3
            ))
        cases.append(
            OracleCase(
                architecture: .cnn(depth: 2, width: 3, pool: .avg, norm: .none), input: odd, activation: .softplus, loss: .crossEntropy,
                n: 3))
        cases.append(
            OracleCase(
                architecture: .cnn(depth: 1, width: 3, pool: .avg, norm: .layer), input: shape, activation: .gelu, loss: .mse, n: 3,
                initialization: .pytorchZeroBias))
        return cases
    }

    static var vgg: [OracleCase] {
        let cifar = ImageShape(channels: 3, height: 32, width: 32)
        return [
            OracleCase(architecture: .vgg(depth: 11, width: 2, norm: .none), input: cifar, activation: .relu, loss: .crossEntropy, n: 2),
            OracleCase(architecture: .vgg(depth: 11, width: 2, norm: .group(groups: 2)), input: cifar, activation: .tanh, loss: .mse, n: 2),
            OracleCase(architecture: .vgg(depth: 11, width: 2, norm: .layer), input: cifar, activation: .gelu, loss: .catMSE, n: 2),
            OracleCase(architecture: .vgg(depth: 13, width: 1, norm: .none), input: cifar, activation: .swish, loss: .logistic, n: 2),
            OracleCase(architecture: .vgg(depth: 16, width: 1, norm: .layer), input: cifar, activation: .elu, loss: .mse, n: 2),
            OracleCase(
                architecture: .vgg(depth: 19, width: 1, norm: .none), input: cifar, activation: .hardtanh, loss: .crossEntropy, n: 2),
            // 40 → 20 → 10 → 5 → 2 → 1 and 36 → 18 → 9 → 4 → 2 → 1: pools that drop a row.
            OracleCase(
                architecture: .vgg(depth: 11, width: 1, norm: .none), input: ImageShape(channels: 1, height: 40, width: 36),
                activation: .softplus, loss: .mse, n: 2),
        ]
    }

    static var resnet: [OracleCase] {
        let shape = ImageShape(channels: 3, height: 8, width: 8)
        let odd = ImageShape(channels: 1, height: 7, width: 7)  // stride 2 on 7 → 4 → 2
        return [
            OracleCase(architecture: .resnet(depth: 1, width: 4, norm: .none), input: shape, activation: .relu, loss: .crossEntropy, n: 2),
            OracleCase(
                architecture: .resnet(depth: 1, width: 4, norm: .group(groups: 2)), input: shape, activation: .swish, loss: .mse, n: 2),
            OracleCase(architecture: .resnet(depth: 1, width: 4, norm: .layer), input: shape, activation: .elu, loss: .catMSE, n: 2),
            OracleCase(
                architecture: .resnet(depth: 2, width: 2, norm: .group(groups: 2)), input: shape, activation: .tanh, loss: .logistic, n: 2),
            OracleCase(architecture: .resnet(depth: 1, width: 2, norm: .none), input: odd, activation: .linear, loss: .mse, n: 2),
            OracleCase(
                architecture: .resnet(depth: 1, width: 2, norm: .layer), input: odd, activation: .softplus, loss: .crossEntropy, n: 2),
            OracleCase(
                architecture: .resnet(depth: 1, width: 4, norm: .group(groups: 4)), input: odd, activation: .hardtanh, loss: .logistic, n: 2
            ),
            OracleCase(architecture: .resnet(depth: 1, width: 4, norm: .layer), input: shape, activation: .gelu, loss: .mse, n: 2),
        ]
    }

    /// Random token ids in [0, vocab) (`OracleProblem`); heads of width 1 (heads = width), the
    /// smallest length and vocabulary the configuration allows (2 and 4), every activation.
    static var transformer: [OracleCase] {
        func t(_ depth: Int, _ width: Int, _ heads: Int, vocab: Int, length: Int) -> (Architecture, ImageShape) {
            (
                .transformer(depth: depth, width: width, heads: heads, vocab: vocab, length: length),
                ImageShape(channels: 1, height: 1, width: length)
            )
        }
        let plan: [((Architecture, ImageShape), Activation, LossFunction, Int, Network.Initialization)] = [
            (t(1, 4, 1, vocab: 5, length: 3), .gelu, .logistic, 3, .pytorch),
            (t(1, 8, 2, vocab: 7, length: 5), .relu, .mse, 3, .pytorch),
            (t(2, 8, 4, vocab: 6, length: 4), .tanh, .logistic, 2, .pytorch),
            (t(2, 4, 2, vocab: 4, length: 2), .gelu, .mse, 3, .pytorch),
            (t(1, 8, 4, vocab: 9, length: 6), .swish, .logistic, 2, .pytorchZeroBias),
            (t(2, 6, 2, vocab: 5, length: 3), .softplus, .catMSE, 2, .pytorch),
            (t(1, 4, 4, vocab: 6, length: 4), .elu, .mse, 3, .pytorch),
            (t(2, 4, 1, vocab: 5, length: 3), .hardtanh, .crossEntropy, 2, .pytorch),
            (t(1, 6, 3, vocab: 8, length: 7), .linear, .logistic, 3, .pytorch),
            (t(2, 8, 2, vocab: 10, length: 5), .relu, .logistic, 4, .pytorch),
        ]
        return plan.map { model, activation, loss, n, initialization in
            OracleCase(architecture: model.0, input: model.1, activation: activation, loss: loss, n: n, initialization: initialization)
        }
    }
}
