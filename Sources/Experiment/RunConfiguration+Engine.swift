import Foundation
import Configuration
import Datasets
import NeuralNetwork
import Dynamics

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
            source = .synthetic(SyntheticSpec(dimension: data.dim, classes: data.classes, seed: UInt64(data.seed)))
        case .cifar10: source = .cifar10(folder: try resolvedDataPath(dataRoot: dataRoot, confine: confine))
        case .mnist: source = .mnist(folder: try resolvedDataPath(dataRoot: dataRoot, confine: confine))
        case .fashionMNIST: source = .fashionMNIST(folder: try resolvedDataPath(dataRoot: dataRoot, confine: confine))
        }
        return DatasetOptions(
            source: source, count: data.n, classSubset: data.classesSubset,
            standardization: Datasets.Standardization(rawValue: data.standardize.rawValue)!,
            standardizationReference: StandardizationReference(rawValue: data.standardizeFrom.rawValue)!,
            targets: data.classesSubset.count == 2 ? .plusMinusOne : .oneHot)
    }

    private func resolvedDataPath(dataRoot: String?, confine: Bool) throws(ExperimentError) -> String {
        guard !data.path.isEmpty else {
            throw .invalidConfiguration("data.path: \(data.name.rawValue) needs data.path, the folder holding its files")
        }
        let root = URL(fileURLWithPath: dataRoot ?? FileManager.default.currentDirectoryPath, isDirectory: true)
            .standardizedFileURL.resolvingSymlinksInPath()
        let resolved = (data.path.hasPrefix("/") ? URL(fileURLWithPath: data.path, isDirectory: true)
                        : root.appendingPathComponent(data.path, isDirectory: true))
            .standardizedFileURL.resolvingSymlinksInPath()
        if confine && !(resolved.path == root.path || resolved.path.hasPrefix(root.path + "/")) {
            throw .invalidConfiguration("data.path: '\(data.path)' leaves the data root \(root.path); put the data inside --data-root")
        }
        return resolved.path
    }

    /// The network of `[model]` for `inputs` features and `outputs` outputs.
    func network(inputs: Int, outputs: Int) -> MultilayerPerceptron {
        MultilayerPerceptron(inputDimension: inputs, depth: model.depth, width: model.width, outputDimension: outputs,
                             activation: NeuralNetwork.Activation(rawValue: model.activation.rawValue)!)
    }

    var initialization: MultilayerPerceptron.Initialization {
        MultilayerPerceptron.Initialization(rawValue: model.initialization.rawValue)!
    }

    var lossFunction: LossFunction { LossFunction(rawValue: loss.name.rawValue)! }

    /// `[train]` and `[sharpness]` as GD settings; the eigen-solver's seed is `model.seed` (its own stream).
    var gradientDescentSettings: GradientDescentSettings {
        GradientDescentSettings(
            learningRate: train.lr, steps: train.steps, sharpnessEvery: sharpness.every, eigenvalueCount: sharpness.k,
            sharpnessAt: SharpnessLocation(rawValue: sharpness.at.rawValue)!, tolerance: sharpness.tol,
            divergeFactor: train.divergeFactor, eigensolverSeed: UInt64(model.seed))
    }

    /// True when any phase computes in Float64 (tracking always does).
    var usesFloat64: Bool { train.precision == .float64 || track.enabled }
}
