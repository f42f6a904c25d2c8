import ArgumentParser
import BLASRuntime
import Foundation

/// Ends a command with one line on standard error and exit status 1: the contract for bad input (docs/CONFIGURATION.md §9)
/// (no stack trace, nothing written is touched).
func fail(_ message: String) -> ExitCode {
    Console.error("eos: \(message)\n")
    return ExitCode(1)
}

/// Says once on standard error which kernels OpenBLAS runs when they are not its own choice for
/// a known CPU: the fallback still in use (a warning) or the replacement `eos` selected (a note;
/// see `BLASKernel`). Commands that compute call it before they start.
func reportBLASKernel() {
    if let advice = BLASKernel.advice {
        Console.error("eos: warning: \(advice)\n")
    } else if let note = BLASKernel.selectionNote {
        Console.error("eos: note: \(note)\n")
    }
}

/// Ends `eos sweep` or `eos coordinator` whose sweep finished with failed tasks: the line naming
/// them on standard error and exit status 2 (the sweep is complete, its results are not).
func failedTasks(_ line: String) -> ExitCode {
    Console.error("eos: \(line)\n")
    return ExitCode(2)
}
