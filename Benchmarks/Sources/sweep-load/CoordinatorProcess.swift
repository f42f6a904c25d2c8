import Foundation
import Glibc

/// A real `eos coordinator` child process, optionally under `strace` counting its fsync and
/// fdatasync calls (with `--seccomp-bpf`, so only those calls stop the tracee).
final class CoordinatorProcess {
    let process: Process
    /// The eos process itself (strace's child when traced).
    private(set) var pid: Int32 = 0
    let logPath: String
    let fsyncLog: String?
    let launchedAt: Date

    init(eos: String, spec: String, endpoint: String, out: String, log: String, traceFsyncs: Bool) throws {
        logPath = log
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        let arguments = ["coordinator", spec, "--bind", endpoint, "--out", out]
        process = Process()
        if traceFsyncs {
            let trace = out + ".fsyncs.\(Int(Date().timeIntervalSince1970 * 1000)).log"
            fsyncLog = trace
            process.executableURL = URL(fileURLWithPath: "/usr/bin/strace")
            process.arguments = ["-f", "--seccomp-bpf", "-e", "trace=fsync,fdatasync", "-ttt", "-o", trace, eos] + arguments
        } else {
            fsyncLog = nil
            process.executableURL = URL(fileURLWithPath: eos)
            process.arguments = arguments
        }
        var environment = ProcessInfo.processInfo.environment
        environment["EOS_BLAS_KERNEL"] = "keep"
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        launchedAt = Date()
        try process.run()
        pid = process.processIdentifier
        if traceFsyncs {
            // strace forks the tracee (after a short-lived child of its own that probes seccomp):
            // wait for the child that runs eos coordinator.
            let deadline = Date().addingTimeInterval(10)
            search: while Date() < deadline {
                for child in Self.children(of: process.processIdentifier)
                where Self.proc("/proc/\(child)/cmdline")?.split(separator: "\0").first.map(String.init) == eos {
                    pid = child
                    break search
                }
                usleep(5_000)
            }
        }
    }

    /// A /proc file's text (its size reads as 0, so it is read to its end, not by size).
    static func proc(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
    }

    static func children(of pid: Int32) -> [Int32] {
        let text = proc("/proc/\(pid)/task/\(pid)/children") ?? ""
        return text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Waits until the coordinator logged that it bound its endpoint (the grid is in the
    /// journal); returns the seconds since launch, or nil after `timeout`.
    func waitUntilListening(timeout: Double) -> Double? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: logPath, encoding: .utf8), text.contains("coordinator of sweep") {
                return Date().timeIntervalSince(launchedAt)
            }
            if !process.isRunning { return nil }
            usleep(10_000)
        }
        return nil
    }

    /// User + system CPU seconds of the coordinator process (all its threads), from /proc.
    func cpuSeconds() -> Double {
        guard let text = Self.proc("/proc/\(pid)/stat"),
            let close = text.lastIndex(of: ")")
        else { return 0 }
        // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// fsync and fdatasync calls of the coordinator between two unix times (strace's log).
    func fsyncs(from start: Double, to end: Double) -> Int? {
        guard let fsyncLog, let text = try? String(contentsOfFile: fsyncLog, encoding: .utf8) else { return nil }
        var count = 0
        for line in text.split(separator: "\n") where line.contains("fsync(") || line.contains("fdatasync(") {
            // "PID  1700000000.123456 fsync(5) = 0" (the pid only when several processes are traced)
            let parts = line.split(separator: " ", omittingEmptySubsequences: true).prefix(2)
            guard let time = parts.lazy.filter({ $0.contains(".") }).compactMap({ Double($0) }).first else { continue }
            if time >= start && time < end { count += 1 }
        }
        return count
    }

    func signal(_ signal: Int32) { kill(pid, signal) }

    /// SIGTERM to the coordinator, then waits for it (and strace) to exit.
    func terminate(timeout: Double = 30) -> Int32? {
        signal(SIGTERM)
        return wait(timeout: timeout)
    }

    func wait(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(pid, SIGKILL)
            process.terminate()
            return nil
        }
        return process.terminationStatus
    }
}
