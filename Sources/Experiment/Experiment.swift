import Foundation
import Configuration
import Datasets
import LinearAlgebra
import NeuralNetwork
import Dynamics
import RunRecord

/// One run configuration → one engine run → one run directory (docs/CONFIGURATION.md §5).
/// `eos run` calls this, and so does every sweep worker: a sweep task and `eos run` on the same
/// configuration are the same computation.
public enum Experiment {
    /// Runs `configuration`, writing `config.json`, `data.safetensors`, `params-init.safetensors`,
    /// `trace.csv`, `params-final.safetensors` and `summary.json` into `directory`. A checkpoint
    /// left in `directory` by a stopped run of the same configuration is resumed.
    ///
    /// Throws for bad input (dataset files, data path) and unwritable output; a run that
    /// diverges or is stopped is an outcome, not an error.
    public static func run(
        _ configuration: RunConfiguration, in directory: RunDirectory,
        options: ExperimentOptions = ExperimentOptions()
    ) throws(ExperimentError) -> RunOutcome {
        try prepare(configuration, options: options).run(in: directory)
    }

    /// Loads the dataset of `configuration` (the step that fails on bad input) without writing
    /// anything, so a caller can create the run directory only once the input is known good.
    public static func prepare(
        _ configuration: RunConfiguration,
        options: ExperimentOptions = ExperimentOptions()
    ) throws(ExperimentError) -> PreparedRun {
        let datasetOptions = try configuration.datasetOptions(dataRoot: options.dataRoot, confine: options.confineToDataRoot)
        let dataset: Dataset
        do { dataset = try Dataset(loading: datasetOptions) } catch { throw .dataset(error.description) }
        return PreparedRun(
            configuration: configuration, dataset: dataset, network: try configuration.network(for: dataset), options: options)
    }

    /// `data.safetensors`: x [n, d], y [n, k], labels [n] (int64); F64 when any phase is Float64.
    /// The tokens data set adds its rule: `polarity` [vocab] (−1, 0, +1) and `negator` [vocab]
    /// (1 for a negator, else 0), both int64.
    /// With a cache folder the bytes are stored once per SHA-256 as `<cache>/<hash>.safetensors`
    /// and hard-linked (copied where links fail) into the run directory.
    static func writeData(_ d: Dataset, float64: Bool, to directory: RunDirectory, cache: String?) throws(ExperimentError) {
        let x: Safetensors.Tensor = float64 ? .init(d.x) : .init(d.x.converted(to: Float.self))
        let y: Safetensors.Tensor = float64 ? .init(d.y) : .init(d.y.converted(to: Float.self))
        var tensors: [String: Safetensors.Tensor] = ["x": x, "y": y, "labels": .init(d.labels.map { Int64($0) }, shape: [d.count])]
        if let rule = d.tokenRule {
            tensors["polarity"] = .init(rule.polarity.map { Int64($0) }, shape: [rule.vocabularySize])
            tensors["negator"] = .init(rule.isNegator.map { Int64($0 ? 1 : 0) }, shape: [rule.vocabularySize])
        }
        let file = Safetensors(tensors: tensors)
        let bytes = file.serialized()
        guard let cache else { return try directory.write("data.safetensors", bytes: bytes) }
        let fm = FileManager.default
        let cacheDirectory = RunDirectory(existing: cache)
        let name = SHA256.hexDigest(bytes) + ".safetensors"
        do {
            if !fm.fileExists(atPath: cacheDirectory.path(name)) { try cacheDirectory.write(name, bytes: bytes) }
            let target = directory.path("data.safetensors")
            if fm.fileExists(atPath: target) { try fm.removeItem(atPath: target) }
            do { try fm.linkItem(atPath: cacheDirectory.path(name), toPath: target) } catch {
                try fm.copyItem(atPath: cacheDirectory.path(name), toPath: target)
            }
        } catch let error as ExperimentError {
            throw error
        } catch {
            throw .cannotWrite(path: cache, reason: error.localizedDescription)
        }
    }
}

/// A configuration whose dataset is loaded: ready to run into a directory.
public struct PreparedRun: Sendable {
    public let configuration: RunConfiguration
    let dataset: Dataset
    /// The network of `[model]` on this dataset's examples.
    public let network: Network
    let options: ExperimentOptions

    /// One line describing the data, e.g. for a run's header.
    public var datasetDescription: String { dataset.summary }

    /// BLAS threads for this run when the user chose none: `BLASThreads.suggested` for its
    /// largest layer product (1 for the digits MLP, nil for CIFAR-size nets).
    public var suggestedBLASThreads: Int? {
        BLASThreads.suggested(largestProductFLOPs: network.largestProductFLOPs(examples: dataset.count))
    }

    public func run(in directory: RunDirectory) throws(ExperimentError) -> RunOutcome {
        directory.removeStaleTemporaries()
        var clock = WallClock()
        let configJSON = configuration.resolvedJSON()
        try directory.write("config.json", text: configJSON)
        try Experiment.writeData(dataset, float64: configuration.usesFloat64, to: directory, cache: options.datasetCache)
        switch configuration.train.precision {
        case .float32:
            return try EngineRun<Float>(self, configJSON, directory).run(&clock)
        case .float64:
            return try EngineRun<Double>(self, configJSON, directory).run(&clock)
        }
    }
}

/// Parameters θ as `params-*.safetensors`: one tensor per `state_dict` entry, under its PyTorch
/// name and shape, so `model.load_state_dict(load_file(path))` loads it (docs/ARCHITECTURES.md).
func parameterFile<T: BLASScalar>(_ theta: [T], network: Network) -> [UInt8] {
    var tensors: [String: Safetensors.Tensor] = [:]
    for slice in network.parameters { tensors[slice.name] = tensor(Array(theta[slice.range]), shape: slice.shape) }
    return Safetensors(tensors: tensors).serialized()
}

/// One engine run in the training precision T: a plain GD run, a tracked one (`TrackedRun.swift`)
/// or a central-flow one (`CentralRun.swift`).
struct EngineRun<T: BLASScalar> {
    let configuration: RunConfiguration
    let dataset: Dataset
    let objective: FullBatchLoss<T>
    let configJSON: String
    let directory: RunDirectory
    let options: ExperimentOptions

    init(_ prepared: PreparedRun, _ configJSON: String, _ directory: RunDirectory) {
        configuration = prepared.configuration
        dataset = prepared.dataset
        objective = prepared.configuration.objective(prepared.network, for: prepared.dataset)
        self.configJSON = configJSON
        self.directory = directory
        options = prepared.options
    }

    func run(_ clock: inout WallClock) throws(ExperimentError) -> RunOutcome {
        if configuration.central.enabled { return try runCentral(&clock) }
        return configuration.track.enabled ? try runTracked(&clock) : try runGradientDescent(&clock)
    }

    /// A GD run (no tracking), with the configured optimizer, resumable from a checkpoint in its folder.
    func runGradientDescent(_ clock: inout WallClock) throws(ExperimentError) -> RunOutcome {
        let settings = configuration.gradientDescentSettings
        let theta0: [T] = objective.network.initialParameters(configuration.initialization, seed: UInt64(configuration.model.seed))
        try directory.write("params-init.safetensors", bytes: parameterFile(theta0, network: objective.network))

        var state = GradientDescentState(theta: theta0)
        let preconditioned = settings.optimizer.isAdaptive
        var trace = TraceTable(eigenvalueCount: settings.eigenvalueCount, preconditioned: preconditioned)
        var resumed = false
        if let checkpoint = try Checkpoint<T>.load(
            from: directory, configJSON: configJSON,
            eigenvalueCount: settings.eigenvalueCount, preconditioned: preconditioned,
            threshold: settings.optimizer.threshold(learningRate: settings.learningRate))
        {
            state = checkpoint.state
            trace = checkpoint.trace
            resumed = true
        }
        var host = RunHost(options: options, trace: trace, directory: directory)
        var stoppedState: GradientDescentState<T>?
        let reason = GradientDescent(objective: objective, settings: settings).run(from: &state, clock: &clock) { record, current in
            if host.shouldStop() {
                stoppedState = current
                return .stop
            }
            trace.append(record)
            host.publish(trace: trace)
            host.report(
                step: record.step, of: settings.steps, phase: "gd", loss: record.loss,
                sharpness: record.sharpness.first)
            host.checkpointIfDue { () throws(ExperimentError) in
                var before = trace
                before.truncate(before: current.step)
                try Checkpoint(state: current, trace: before, configJSON: configJSON).write(to: directory)
            }
            return .proceed
        }
        if let stoppedState {
            // Keep where we are so the task resumes here (this row is recorded again then).
            try Checkpoint(state: stoppedState, trace: trace, configJSON: configJSON).write(to: directory)
        } else {
            Checkpoint<T>.remove(from: directory)
        }

        try directory.write("params-final.safetensors", bytes: parameterFile(state.theta, network: objective.network))
        try directory.write("trace.csv", text: trace.text)
        let summary = RunSummary(
            reason: reason, stepsDone: state.step,
            eos: EdgeOfStabilitySummary(
                trace: trace.rows, learningRate: settings.learningRate, sharpnessAt: settings.sharpnessAt,
                optimizer: settings.optimizer),
            tracking: nil, timings: clock.timings, resumedFromCheckpoint: resumed, checkpointError: host.checkpointFailure)
        return try RunOutcome(writing: summary, files: ["trace.csv": trace.text], to: directory)
    }
}
