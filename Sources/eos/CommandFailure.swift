import ArgumentParser
import Foundation

/// Ends a command with one line on standard error and exit status 1: the contract for bad input
/// (no stack trace, nothing written is touched).
func fail(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("eos: \(message)\n".utf8))
    return ExitCode(1)
}
