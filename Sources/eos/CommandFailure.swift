import ArgumentParser
import LinearAlgebra
import Foundation

/// Ends a command with one line on standard error and exit status 1: the contract for bad input
/// (no stack trace, nothing written is touched).
func fail(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("eos: \(message)\n".utf8))
    return ExitCode(1)
}

/// Warns once on standard error when OpenBLAS fell back to its slow generic kernels (see
/// `BLASKernel`); commands that compute call it before they start.
func warnAboutSlowBLAS() {
    if let advice = BLASKernel.advice { FileHandle.standardError.write(Data("eos: warning: \(advice)\n".utf8)) }
}
