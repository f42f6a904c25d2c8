import Configuration
import Experiment
import Foundation
import RunRecord
import SweepProtocol

/// Runs a task exactly as `eos run` would, in `<out>/tasks/<task key>/`, continuing from a
/// checkpoint left there by an earlier attempt. Datasets are written once per content hash in
/// `<out>/datasets/`; a relative `data.path` is resolved inside `dataRoot`, which it may not leave.
public struct ExperimentTaskRunner: TaskRunner {
    /// The worker's `--out`, absolute and standardized.
    public let out: URL
    /// The worker's `--data-root`, absolute.
    public let dataRoot: String

    public init(out: String, dataRoot: String) {
        self.out = URL(fileURLWithPath: out, isDirectory: true).standardizedFileURL
        self.dataRoot = URL(fileURLWithPath: dataRoot, isDirectory: true).standardizedFileURL.path
    }

    /// The folder of a task: `<out>/tasks/<key>`; nil when it would not lie inside `out`
    /// (a task key is 64 hex digits, so this guards against a changed protocol, not a valid key).
    public func folder(taskKey: String) -> URL? {
        let folder = out.appendingPathComponent("tasks", isDirectory: true)
            .appendingPathComponent(taskKey, isDirectory: true).standardizedFileURL
        return folder.path.hasPrefix(out.path + "/tasks/") && folder.lastPathComponent == taskKey ? folder : nil
    }

    public func run(
        _ task: CoordinatorMessage.TaskAssignment,
        progress: @escaping @Sendable (WorkerMessage.Progress) -> Void,
        shouldStop: @escaping @Sendable () -> Bool
    ) -> TaskOutcome {
        let configuration: RunConfiguration
        do {
            configuration = try RunConfiguration(json: task.config, file: "task \(task.taskKey.prefix(16)) config")
        } catch {
            return .failed(error.description)
        }
        guard let folder = folder(taskKey: task.taskKey) else {
            return .failed("task folder for key \(task.taskKey.prefix(16)) leaves --out \(out.path): refused")
        }
        let options = ExperimentOptions(
            dataRoot: dataRoot, confineToDataRoot: true,
            datasetCache: out.appendingPathComponent("datasets", isDirectory: true).path,
            checkpointInterval: task.checkpointEvery,
            progress: { run in
                progress(
                    .init(
                        taskKey: task.taskKey, leaseID: task.leaseID, step: run.step,
                        totalSteps: run.totalSteps, phase: run.phase, loss: run.loss, sharpness: run.sharpness))
            },
            shouldStop: shouldStop)
        // Bad input and a model too large for this machine fail the task cleanly, before its
        // folder is written (instead of killing the worker in an allocation).
        let prepared: PreparedRun
        do {
            prepared = try Experiment.prepare(configuration, options: options)
            try prepared.checkMemory()
        } catch {
            return .failed(error.description)
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            return .failed("\(folder.path): cannot create the task folder (\(error.localizedDescription)); check --out")
        }
        let outcome: RunOutcome
        do {
            outcome = try prepared.run(in: RunDirectory(existing: folder.path))
        } catch {
            return .failed(error.description)
        }
        switch outcome.status {
        case .stopped:
            return .stopped
        case .failed:
            return .failed("run failed (\(outcome.stopReason)); see \(folder.path)/summary.json")
        case .completed, .diverged:
            return .result(
                summaryJSON: outcome.summaryJSON, files: outcome.files,
                resumedFromCheckpoint: outcome.resumedFromCheckpoint)
        }
    }
}
