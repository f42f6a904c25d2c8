import ArgumentParser
import Foundation
import BLASRuntime

@main
struct EOS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eos",
        abstract: "Gradient descent at the edge of stability: runs, sweeps and reports.",
        subcommands: [
            RunCommand.self, SweepCommand.self, CoordinatorCommand.self, WorkerCommand.self, StatusCommand.self, ExportCommand.self,
            ReportCommand.self, KeysCommand.self,
        ])

    /// Picks OpenBLAS's fast kernels where it fell back to generic ones (`BLASKernel`; may start
    /// the process again), then runs the command line. Every way out goes through `finish`.
    static func main() {
        if let error = BLASKernel.policyError { finish(status: fail("\(error)").rawValue) }
        BLASKernel.selectFastKernel()
        do {
            var command = try parseAsRoot()
            try command.run()
            finish(status: 0)
        } catch {
            finish(status: status(for: error))
        }
    }

    /// The exit status of a command that threw. A command's own failures already said their one
    /// line (`fail`); help requests print the help on standard output; a command line that does
    /// not parse or validate gets one line naming the flag, exit status 1 like any other bad
    /// input (not the parser's usage block and status 64).
    static func status(for error: any Error) -> Int32 {
        if let code = error as? ExitCode { return code.rawValue }
        let code = exitCode(for: error)
        if code == .success {
            Console.line(fullMessage(for: error))
            return 0
        }
        let lines = message(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !lines.isEmpty else { return code.rawValue }
        var command: any ParsableCommand.Type = EOS.self
        var words = ["eos"]
        for word in CommandLine.arguments.dropFirst() {
            guard let sub = command.configuration.subcommands.first(where: { $0._commandName == word }) else { break }
            command = sub
            words.append(word)
        }
        return fail("\(lines.joined(separator: "; ")) (see \(words.joined(separator: " ")) --help)").rawValue
    }

    /// Exits with `status`, or with 1 and one line on standard error when part of standard
    /// output could not be written (`eos export > /dev/full`).
    static func finish(status: Int32) -> Never {
        if let reason = Console.outputFailure() {
            Console.error("eos: cannot write standard output (\(reason))\n")
            Foundation.exit(status == 0 ? 1 : status)
        }
        Foundation.exit(status)
    }
}
