import ArgumentParser
import BLASRuntime
import Foundation

/// Ends a command with one line on standard error and exit status 1: the contract for bad input
/// (no stack trace, nothing written is touched).
func fail(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("eos: \(message)\n".utf8))
    return ExitCode(1)
}

/// Says once on standard error which kernels OpenBLAS runs when they are not its own choice for
/// a known CPU: the fallback still in use (a warning) or the replacement `eos` selected (a note;
/// see `BLASKernel`). Commands that compute call it before they start.
func reportBLASKernel() {
    if let advice = BLASKernel.advice { FileHandle.standardError.write(Data("eos: warning: \(advice)\n".utf8)) }
    else if let note = BLASKernel.selectionNote { FileHandle.standardError.write(Data("eos: note: \(note)\n".utf8)) }
}
