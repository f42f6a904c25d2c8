import ArgumentParser

@main
struct EOS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eos",
        abstract: "Gradient descent at the edge of stability: runs, sweeps and reports.",
        subcommands: [RunCommand.self, SweepCommand.self, CoordinatorCommand.self, WorkerCommand.self, StatusCommand.self, ExportCommand.self, ReportCommand.self, KeysCommand.self])
}
