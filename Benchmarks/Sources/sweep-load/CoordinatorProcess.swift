import Foundation
import Glibc

/// A real `eos coordinator` child process.
final class CoordinatorProcess {
    let process: Process
    var pid: Int32 { process.processIdentifier }
    let logPath: String
    let launchedAt: Date

    init(eos: String, spec: String, endpoint: String, out: String, log: String) throws {
        logPath = log
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process = Process()
        process.executableURL = URL(fileURLWithPath: eos)
        process.arguments = ["coordinator", spec, "--bind", endpoint, "--out", out]
        var environment = ProcessInfo.processInfo.environment
        environment["EOS_BLAS_KERNEL"] = "keep"
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        launchedAt = Date()
        try process.run()
        try? handle.close()
    }

    /// A /proc file's text (its size reads as 0, so it is read to its end, not by size).
    static func proc(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
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

    /// The fsync and fdatasync calls of the coordinator (every thread) during the next `seconds`:
    /// `perf stat` counting the two system-call tracepoints, which stops nothing (strace's
    /// stops, even for two calls only, tipped 2,000 workers into a reconnect storm). Blocks for
    /// `seconds`; nil when perf is missing or may not trace (it needs root or
    /// `kernel.perf_event_paranoid` ≤ -1).
    func countFsyncs(seconds: Double) -> Int? {
        let perf = Process()
        perf.executableURL = URL(fileURLWithPath: "/usr/bin/perf")
        perf.arguments = [
            "stat", "-x", ",", "-e", "syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync", "-p", "\(pid)", "--",
            "sleep", "\(seconds)",
        ]
        let output = Pipe()
        perf.standardError = output
        perf.standardOutput = FileHandle.nullDevice
        guard (try? perf.run()) != nil else {
            Thread.sleep(forTimeInterval: seconds)
            return nil
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        perf.waitUntilExit()
        // CSV lines "count,unit,event,…", one per event.
        let counts = text.split(separator: "\n").filter { $0.contains("syscalls:sys_enter_") }.map {
            Int($0.split(separator: ",").first ?? "")
        }
        guard perf.terminationStatus == 0, counts.count == 2, counts.allSatisfy({ $0 != nil }) else { return nil }
        return counts.reduce(0) { $0 + $1! }
    }

    func signal(_ signal: Int32) { kill(pid, signal) }

    /// SIGTERM to the coordinator, then waits for it to exit.
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
