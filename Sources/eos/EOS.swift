import ArgumentParser
import Foundation
import BLASRuntime

@main
struct EOS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eos",
        abstract: "Gradient descent at the edge of stability: runs, sweeps and reports.",
        subcommands: [RunCommand.self, SweepCommand.self, CoordinatorCommand.self, WorkerCommand.self, StatusCommand.self, ExportCommand.self, ReportCommand.self, KeysCommand.self])

    /// Picks OpenBLAS's fast kernels where it fell back to generic ones (`BLASKernel`; may start
    /// the process again), then runs the command line.
    static func main() {
        if let error = BLASKernel.policyError {
            FileHandle.standardError.write(Data("eos: \(error)\n".utf8))
            Foundation.exit(1)
        }
        BLASKernel.selectFastKernel()
        main(nil)
    }
}
