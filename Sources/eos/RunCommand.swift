import ArgumentParser
import Foundation
import Configuration
import Experiment
import LinearAlgebra

/// `eos run CONFIG.toml [--set KEY=VALUE]... --out DIR [--force] [--threads N]`
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one experiment in this process and write its run directory.")

    @Argument(help: "The run configuration (TOML); every key has a default.")
    var config: String

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("Override a key: --set train.lr=0.1 (TOML value; a bare word is a string).", valueName: "KEY=VALUE"))
    var overrides: [String] = []

    @Option(help: "The run directory to write (must be empty or new, unless --force).")
    var out: String

    @Flag(help: "Replace the contents of a non-empty --out.")
    var force = false

    @Flag(help: "Continue a stopped run (SIGTERM) from the checkpoint it left in --out.")
    var resume = false

    @Option(help: "BLAS threads (default: 1 for small networks, whose products are too small to share, else OpenBLAS's own choice).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if force && resume { throw ValidationError("--force and --resume exclude each other: --force starts afresh") }
    }

    func run() throws {
        let configuration: RunConfiguration
        do { configuration = try RunConfiguration.load(path: config, overrides: overrides) } catch { throw fail(error.description) }
        if let threads { BLASThreads.set(threads) }
        StopSignal.install()
        let bar = ProgressBar(label: "gd")
        let options = ExperimentOptions(
            progress: { p in
                bar.update(
                    done: p.step, total: p.totalSteps,
                    detail: String(format: "loss %.4g S %@", p.loss, p.sharpness.map { String(format: "%.4g", $0) } ?? "-"))
            },
            shouldStop: { StopSignal.isRequested })
        // Bad input, and a model too large for this machine, fail here, before anything is
        // created or replaced: --force removes the previous run only once this one can start.
        let prepared: PreparedRun
        do {
            prepared = try Experiment.prepare(configuration, options: options)
            try prepared.checkMemory()
        } catch { throw fail(error.description) }
        if threads == nil, let suggested = prepared.suggestedBLASThreads { BLASThreads.set(suggested) }
        reportBLASKernel()
        Console.line(
            "eos run: \(prepared.datasetDescription); \(RunCommand.modelNote(configuration.model)); loss \(RunCommand.lossConvention(configuration.loss.name)); lr \(configuration.train.lr) (2/lr = \(2 / configuration.train.lr)); \(configuration.train.precision.rawValue)\(RunCommand.optimizerNote(configuration))"
        )
        // The header before the progress bar on stderr, and before --out is created or replaced: an
        // unwritable standard output stops the command with a previous run intact (`EOS.finish` says why).
        if Console.outputFailure() != nil { throw ExitCode(1) }
        let directory: RunDirectory
        do { directory = resume ? RunDirectory(existing: out) : try RunDirectory(path: out, force: force) } catch {
            throw fail(error.description)
        }
        if resume && !directory.hasCheckpoint { throw fail("\(out): no checkpoint to resume from; run without --resume") }
        let outcome: RunOutcome
        do { outcome = try prepared.run(in: directory) } catch { bar.finish(); throw fail(error.description) }
        bar.finish()
        Console.line(
            "status \(outcome.status) (\(outcome.stopReason)) after \(outcome.stepsDone) steps; summary in \(directory.path("summary.json"))"
        )
        if outcome.stopReason == .lambda2 {
            Console.line(
                "a second eigenvalue reached the edge (λ₂ > 1.9/η at θ†): [track] follows one unstable direction; "
                    + "[central] enabled = true follows any number of them")
        }
        if outcome.status == .stopped {
            Console.line("stopped with a checkpoint: the same command with --resume instead of --force continues it")
            throw ExitCode(143)
        }
    }

    /// The network in the header line: its architecture, depth, width, the keys only it reads
    /// (pooling and normalization, heads) and the activation, e.g. "cnn depth 2 width 32 avg pool
    /// tanh" or "transformer depth 2 width 16 heads 2 gelu".
    static func modelNote(_ model: RunConfiguration.ModelSettings) -> String {
        var words = ["\(model.arch.rawValue) depth \(model.depth) width \(model.width)"]
        switch model.arch {
        case .mlp: break
        case .cnn: words.append("\(model.pool.rawValue) pool")
        case .vgg, .resnet: break
        case .transformer: words.append("heads \(model.heads)")
        }
        if model.arch != .mlp && model.arch != .transformer && model.norm != .none {
            words.append(model.norm == .group ? "group norm (\(model.groups) groups)" : "\(model.norm.rawValue) norm")
        }
        return (words + [model.activation.rawValue]).joined(separator: " ")
    }

    /// Which MSE convention a run uses, printed with every run (docs/THEORY.md §8).
    /// "" for gd; else the optimizer with the keys it reads and its threshold (docs/THEORY.md §11).
    static func optimizerNote(_ configuration: RunConfiguration) -> String {
        let train = configuration.train, c = configuration.stabilityConstant
        let name: String
        switch train.optimizer {
        case .gd: return ""
        case .polyak, .nesterov: name = "\(train.optimizer.rawValue) β \(train.momentum)"
        case .rmsprop: name = "rmsprop α \(train.beta2) ε \(train.epsilon)"
        case .adam: name = "adam β₁ \(train.momentum) β₂ \(train.beta2) ε \(train.epsilon)"
        }
        let measured = train.optimizer.isAdaptive ? "preconditioned sharpness" : "sharpness"
        return "; \(name): \(measured) threshold \(c)/lr = \(c / train.lr)"
    }

    static func lossConvention(_ name: RunConfiguration.LossName) -> String {
        switch name {
        case .mse: return "mse = ½·mean‖f−y‖² (Cohen et al.)"
        case .catMSE: return "cat_mse = mean‖f−y‖² (Damian et al.; twice the sharpness of mse)"
        case .ce: return "ce = mean −log softmax(f)[y]"
        case .logistic: return "logistic = mean log(1 + e^(−y f))"
        }
    }
}
