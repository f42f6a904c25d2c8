import Foundation

/// How a child process ended: its exit status, or the signal that killed it.
public enum ChildExit: Equatable, Sendable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    public var description: String {
        switch self {
        case .exited(let status): "exit status \(status)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }
}

extension Process {
    /// How the process ended, waiting at most `seconds`; nil while it still runs.
    ///
    /// Asks the kernel (`waitid` with `WNOWAIT`, which leaves the reaping to Foundation) instead of
    /// `waitUntilExit()` or `isRunning`: Foundation learns of an exit through a socket the child
    /// holds, which a process another test starts at the same moment can inherit, and then learns
    /// it only when that process ends too, or never.
    public func exit(within seconds: Double) -> ChildExit? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let exit = currentExit() { return exit }
            if Date() >= deadline { return nil }
            usleep(10_000)
        }
    }

    /// The exit if the process has ended, without waiting.
    private func currentExit() -> ChildExit? {
        var info = siginfo_t()
        let found = waitid(P_PID, id_t(processIdentifier), &info, WEXITED | WNOHANG | WNOWAIT)
        if found == 0, info._sifields._sigchld.si_pid == processIdentifier {
            let status = info._sifields._sigchld.si_status
            return info.si_code == Int32(CLD_EXITED) ? .exited(status) : .signaled(status)
        }
        // Already reaped (ECHILD): Foundation has noticed, or is about to.
        guard found == -1, errno == ECHILD, !isRunning else { return nil }
        return terminationReason == .exit ? .exited(terminationStatus) : .signaled(terminationStatus)
    }
}

/// What a child process run to its end printed, and how it ended.
public struct ChildRun: Sendable {
    /// nil: still running after the time allowed, and killed (SIGKILL).
    public let exit: ChildExit?
    public let output: String
    public let errors: String
}

/// Runs `executable` with `arguments` to its end, at most `seconds` (then kills it, SIGKILL), its
/// standard output and standard error in temporary files, not pipes: a pipe's end that another
/// test's child inherits would hold off its end of file.
public func runToEnd(
    _ executable: String, _ arguments: [String], seconds: Double = 120, environment: [String: String]? = nil,
    directory: String? = nil
) throws -> ChildRun {
    let files = (0..<2).map { _ in
        FileManager.default.temporaryDirectory.appendingPathComponent("eos-child-\(UUID().uuidString).log")
    }
    defer { for file in files { try? FileManager.default.removeItem(at: file) } }
    let handles = try files.map { file in
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        return try FileHandle(forWritingTo: file)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = handles[0]
    process.standardError = handles[1]
    do {
        defer { for handle in handles { try? handle.close() } }
        try process.run()
    }
    let exit = process.exit(within: seconds)
    if exit == nil { kill(process.processIdentifier, SIGKILL) }
    let text = files.map { (try? String(contentsOf: $0, encoding: .utf8)) ?? "" }
    return ChildRun(exit: exit, output: text[0], errors: text[1])
}
