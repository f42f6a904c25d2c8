import Foundation
import Configuration
import Datasets
import NeuralNetwork
import Dynamics
import LinearAlgebra

/// The translation of a run configuration into the engine's and the datasets' own types: the
/// one place where configuration names meet engine names.
extension RunConfiguration {
    /// The dataset options of `[data]`, with `data.path` resolved against `dataRoot` (default:
    /// the working folder); with `confine`, a path that leaves the data root is refused.
    func datasetOptions(dataRoot: String?, confine: Bool) throws(ExperimentError) -> DatasetOptions {
        let source: DatasetSource
        switch data.name {
        case .digits: source = .digits
        case .synthetic:
            source = .synthetic(
                SyntheticSpec(dimension: data.dim, classes: data.classes, seed: UInt64(data.seed), shape: try syntheticShape()))
        case .cifar10: source = .cifar10(folder: try resolvedDataPath(dataRoot: dataRoot, confine: confine))
        case .mnist: source = .mnist(folder: try resolvedDataPath(dataRoot: dataRoot, confine: confine))
        case .fashionMNIST: source = .fashionMNIST(folder: try resolvedDataPath(dataRoot: dataRoot, confine: confine))
        case .tokens:
            // Binary by construction and never standardized: the keys of the image sets keep
            // their defaults (the configuration refuses others) and are not read.
            return DatasetOptions(
                source: .tokens(TokenSpec(vocabulary: data.vocab, length: data.length, seed: UInt64(data.seed))), count: data.n,
                standardization: .none, targets: .plusMinusOne)
        }
        return DatasetOptions(
            source: source, count: data.n, classSubset: data.classesSubset,
            standardization: Datasets.Standardization(data.standardize),
            standardizationReference: StandardizationReference(data.standardizeFrom),
            targets: data.classesSubset.count == 2 ? .plusMinusOne : .oneHot)
    }

    /// `data.shape` as an input shape: nil when empty (1×1×`data.dim`). A loaded configuration
    /// has three sizes ≥ 1 here; one built in code is checked rather than trusted.
    private func syntheticShape() throws(ExperimentError) -> InputShape? {
        guard !data.shape.isEmpty else { return nil }
        guard data.shape.count == 3, data.shape.allSatisfy({ $0 >= 1 }) else {
            throw .invalidConfiguration("data.shape: expected [c, h, w], three integers >= 1, got \(data.shape)")
        }
        return InputShape(channels: data.shape[0], height: data.shape[1], width: data.shape[2])
    }

    private func resolvedDataPath(dataRoot: String?, confine: Bool) throws(ExperimentError) -> String {
        guard !data.path.isEmpty else {
            throw .invalidConfiguration("data.path: \(data.name.rawValue) needs data.path, the folder holding its files")
        }
        let root = URL(fileURLWithPath: dataRoot ?? FileManager.default.currentDirectoryPath, isDirectory: true)
            .standardizedFileURL.resolvingSymlinksInPath()
        let resolved =
            (data.path.hasPrefix("/")
            ? URL(fileURLWithPath: data.path, isDirectory: true)
            : root.appendingPathComponent(data.path, isDirectory: true))
            .standardizedFileURL.resolvingSymlinksInPath()
        if confine && !(resolved.path == root.path || resolved.path.hasPrefix(root.path + "/")) {
            throw .invalidConfiguration("data.path: '\(data.path)' leaves the data root \(root.path); put the data inside --data-root")
        }
        return resolved.path
    }

    /// The network of `[model]` for `dataset`'s example shape and outputs; a network that does
    /// not fit its input is a configuration error naming the key.
    func network(for dataset: Dataset) throws(ExperimentError) -> Network {
        let shape = dataset.inputShape
        do throws(NetworkError) {
            return try Network(
                architecture, input: ImageShape(channels: shape.channels, height: shape.height, width: shape.width),
                outputs: dataset.outputDimension, activation: NeuralNetwork.Activation(model.activation))
        } catch {
            throw .invalidConfiguration(error.description)
        }
    }

    /// `model.arch` with the keys that size it (the transformer's vocabulary and positions are
    /// `data.vocab` and `data.length`).
    var architecture: NeuralNetwork.Architecture {
        let norm: NeuralNetwork.Normalization
        switch model.norm {
        case .none: norm = .none
        case .group: norm = .group(groups: model.groups)
        case .layer: norm = .layer
        }
        switch model.arch {
        case .mlp: return .mlp(depth: model.depth, width: model.width)
        case .cnn: return .cnn(depth: model.depth, width: model.width, pool: model.pool == .max ? .max : .avg, norm: norm)
        case .vgg: return .vgg(depth: model.depth, width: model.width, norm: norm)
        case .resnet: return .resnet(depth: model.depth, width: model.width, norm: norm)
        case .transformer:
            return .transformer(depth: model.depth, width: model.width, heads: model.heads, vocab: data.vocab, length: data.length)
        }
    }

    /// The full-batch loss of `network` and `[loss]` on `dataset`, in precision T.
    func objective<T: BLASScalar>(_ network: Network, for dataset: Dataset) -> FullBatchLoss<T> {
        FullBatchLoss(
            network: network, loss: lossFunction, inputs: dataset.x.converted(to: T.self),
            targets: dataset.y.converted(to: T.self))
    }

    var initialization: Network.Initialization {
        Network.Initialization(model.initialization)
    }

    var lossFunction: LossFunction { LossFunction(loss.name) }

    /// `[train]` and `[sharpness]` as GD settings with the stop rules; the eigen-solver's seed is
    /// `model.seed` (its own stream).
    var gradientDescentSettings: GradientDescentSettings {
        GradientDescentSettings(
            learningRate: train.lr, steps: train.steps, sharpnessEvery: sharpness.every, eigenvalueCount: sharpness.k,
            sharpnessAt: SharpnessLocation(sharpness.at), tolerance: sharpness.tol,
            divergeFactor: train.divergeFactor, eigensolverSeed: UInt64(model.seed), optimizer: optimizer,
            stopRules: stopRules)
    }

    /// c of the optimizer's stability threshold c/η (docs/THEORY.md §11): 2 for gd.
    public var stabilityConstant: Double { optimizer.stabilityConstant }

    /// `train.optimizer` with the keys it reads (docs/THEORY.md §11).
    var optimizer: Dynamics.Optimizer {
        switch train.optimizer {
        case .gd: .gd
        case .polyak: .polyak(momentum: train.momentum)
        case .nesterov: .nesterov(momentum: train.momentum)
        case .rmsprop: .rmsprop(alpha: train.beta2, epsilon: train.epsilon)
        case .adam: .adam(beta1: train.momentum, beta2: train.beta2, epsilon: train.epsilon)
        }
    }

    /// `train.loss_goal`, `train.accuracy_goal` and `train.steps_after_eos` (0 = off) as the engine's rules.
    var stopRules: StopRules {
        StopRules(
            lossGoal: train.lossGoal > 0 ? train.lossGoal : nil,
            accuracyGoal: train.accuracyGoal > 0 ? train.accuracyGoal : nil,
            stepsAfterEdge: train.stepsAfterEos > 0 ? train.stepsAfterEos : nil)
    }

    /// True when any phase computes in Float64 (tracking and the central flow always do).
    var usesFloat64: Bool { train.precision == .float64 || track.enabled || central.enabled }
}

// The configuration's enums as the engine's: total switches, so a case added on either side is
// a compile error here rather than a crash at run time.

extension Datasets.Standardization {
    init(_ s: RunConfiguration.Standardization) {
        switch s {
        case .none: self = .none
        case .perPixel: self = .perPixel
        case .perChannel: self = .perChannel
        }
    }
}

extension StandardizationReference {
    init(_ s: RunConfiguration.StandardizationSource) {
        switch s {
        case .subset: self = .subset
        case .all: self = .all
        }
    }
}

extension NeuralNetwork.Activation {
    init(_ a: RunConfiguration.Activation) {
        switch a {
        case .tanh: self = .tanh
        case .relu: self = .relu
        case .elu: self = .elu
        case .gelu: self = .gelu
        case .softplus: self = .softplus
        case .swish: self = .swish
        case .hardtanh: self = .hardtanh
        case .linear: self = .linear
        }
    }
}

extension Network.Initialization {
    init(_ i: RunConfiguration.Initialization) {
        switch i {
        case .pytorch: self = .pytorch
        case .pytorchZeroBias: self = .pytorchZeroBias
        }
    }
}

extension LossFunction {
    init(_ name: RunConfiguration.LossName) {
        switch name {
        case .mse: self = .mse
        case .catMSE: self = .catMSE
        case .ce: self = .crossEntropy
        case .logistic: self = .logistic
        }
    }
}

extension SharpnessLocation {
    init(_ point: RunConfiguration.SharpnessPoint) {
        switch point {
        case .iterate: self = .iterate
        case .midpoint: self = .midpoint
        }
    }
}
