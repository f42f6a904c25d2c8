import ArgumentParser
import Foundation
import LinearAlgebra
import SweepWorker
import ZeroMQTransport

/// `eos worker --connect ENDPOINT [--threads N] [--data-root DIR] [--out DIR] [--silence-timeout S]
/// [--curve-secret FILE --curve-server FILE.pub]`
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run sweep tasks from a coordinator until the sweep is done, the worker is stopped, or the coordinator stays silent.")

    @Option(help: "The coordinator's endpoint, e.g. tcp://host:5555.")
    var connect: String

    @Option(help: "BLAS threads.")
    var threads = 1

    @Option(name: .customLong("data-root"), help: "Folder a relative data.path is resolved in (default: the working folder).")
    var dataRoot: String?

    @Option(help: "Folder the task folders tasks/<key>/ are written under (default: the working folder).")
    var out: String?

    @Option(name: .customLong("silence-timeout"), help: "Seconds without the coordinator after which the worker exits.")
    var silenceTimeout = 60.0

    @Option(name: .customLong("curve-secret"), help: "This worker's CURVE secret key file.")
    var curveSecret: String?

    @Option(name: .customLong("curve-server"), help: "The coordinator's CURVE public key file (.pub).")
    var curveServer: String?

    @Option(name: .customLong("parent-pid"), help: .hidden)
    var parentPID: Int32?

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if !(silenceTimeout > 0) { throw ValidationError("--silence-timeout must be > 0 seconds") }
        if (curveSecret == nil) != (curveServer == nil) {
            throw ValidationError("--curve-secret and --curve-server go together")
        }
    }

    func run() throws {
        reportBLASKernel()
        var curve: (keyPair: CurveKeyPair, serverKey: CurvePublicKey)?
        if let curveSecret, let curveServer {
            do {
                curve = (
                    try CurveKeyFile.loadKeyPair(secretKeyFile: URL(fileURLWithPath: curveSecret)),
                    try CurveKeyFile.loadPublicKey(URL(fileURLWithPath: curveServer))
                )
            } catch {
                throw fail(error.description)
            }
        }
        BLASThreads.set(threads)
        StopSignal.install()
        let working = FileManager.default.currentDirectoryPath
        let options = WorkerOptions(
            endpoint: connect, threads: threads, silenceTimeout: silenceTimeout, curve: curve,
            parentPID: parentPID)
        let runner = ExperimentTaskRunner(out: out ?? working, dataRoot: dataRoot ?? working)
        let name = options.name
        let worker = Worker(options: options, runner: runner, log: { logLine("\(name): \($0)") })
        logLine("\(name): connecting to \(connect), \(threads) BLAS threads, tasks under \(runner.out.path)")
        let exit: Worker.Exit
        do { exit = try worker.run(stopRequested: { StopSignal.isRequested }) } catch { throw fail(error.description) }
        logLine("\(name): exiting (\(exit))")
        switch exit {
        case .finished, .orphaned: return
        case .stopped: throw ExitCode(143)
        case .coordinatorSilent: throw ExitCode(3)
        }
    }
}
