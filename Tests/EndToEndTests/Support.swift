import Foundation
import SweepJournal
import TestSupport

/// The built `eos` binary: next to the test bundle (`.build/<config>/eos`).
enum EOSBinary {
    static let path: String? = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("eos").path,
            FileManager.default.currentDirectoryPath + "/.build/debug/eos",
            FileManager.default.currentDirectoryPath + "/.build/release/eos",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
    static var isAvailable: Bool { path != nil }
}

/// A temporary folder removed at the end of a test.
struct Scratch {
    let path: String

    init() throws {
        // Short, so ipc:// paths inside stay under the socket path limit.
        path = "/tmp/eos-e2e-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// An `eos` child process with its output in a log file; killed (SIGKILL) when the test ends.
final class Child {
    let process = Process()
    let log: String

    /// `environment` adds to (or replaces in) the test's own environment; `executable` replaces `eos`.
    init(
        _ arguments: [String], in folder: String, log name: String, environment: [String: String] = [:],
        executable: String? = nil
    ) throws {
        log = folder + "/" + name
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.executableURL = URL(fileURLWithPath: executable ?? EOSBinary.path!)
        process.arguments = arguments
        // OpenBLAS's kernels as installed, as in the in-process tests (LinearAlgebra.BLASKernel).
        process.environment = ProcessInfo.processInfo.environment
            .merging(["EOS_BLAS_KERNEL": "keep"].merging(environment) { _, given in given }) { _, given in given }
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        // The child has its own copy of the descriptor; ours is closed now, or every child would
        // hold one open in the test process until it exits (Foundation's Process on Linux walks
        // every open descriptor at each spawn, and crashes past a thousand or so).
        defer { try? handle.close() }
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// Waits for the exit; its status (the signal's number if a signal killed it), or nil on timeout.
    func wait(seconds: Double) -> Int32? {
        switch process.exit(within: seconds) {
        case .exited(let status)?, .signaled(let status)?: status
        case nil: nil
        }
    }

    func kill9() { if process.exit(within: 0) == nil { kill(pid, SIGKILL) } }

    var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    deinit { kill9() }
}

/// Runs `eos` to completion (at most `seconds`): exit status and output.
func eos(
    _ arguments: [String], in folder: String, seconds: Double = 120,
    environment: [String: String] = [:]
) throws -> (status: Int32?, output: String) {
    let child = try Child(arguments, in: folder, log: "eos-\(UUID().uuidString.prefix(6)).log", environment: environment)
    let status = child.wait(seconds: seconds)
    child.kill9()
    return (status, child.output)
}

/// Polls `condition` every 20 ms for up to `seconds`.
func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(20_000)
    }
    return condition()
}

/// Pids whose parent is `parent` (from /proc).
func children(of parent: Int32) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { Int32($0) }.filter { pid in
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 2 && Int32(fields[1]) == parent
    }
}

/// A tiny digits run configuration (TOML) that takes about `steps` × 0.1 ms in a debug build.
func configuration(steps: Int, n: Int = 64, width: Int = 8, every: Int = 5) -> String {
    """
    [data]
    name = "digits"
    n = \(n)
    [model]
    depth = 1
    width = \(width)
    [train]
    steps = \(steps)
    [sharpness]
    every = \(every)

    """
}

/// A sweep of `configuration` over `grid` (TOML lines of `[sweep.grid]`).
/// Heartbeats every 0.5 s with liveness 4 (a 2 s lease): quick expiry, yet no false expiry on a
/// loaded 2-core CI machine.
func specification(_ configuration: String, name: String = "e2e", grid: [String], heartbeat: Double = 0.5) -> String {
    configuration + """
        [sweep]
        name = "\(name)"
        heartbeat_interval = \(heartbeat)
        liveness = 4
        [sweep.grid]

        """ + grid.joined(separator: "\n") + "\n"
}

/// A summary.json without what legitimately differs between two runs of the same task.
func comparable(_ summaryJSON: String?) -> NSDictionary? {
    guard let data = summaryJSON?.data(using: .utf8),
        var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    else { return nil }
    object["timings"] = nil
    object["resumed_from_checkpoint"] = nil
    return object as NSDictionary
}

func openJournal(_ path: String) -> SweepJournal? { try? SweepJournal.openReadOnly(path: path) }

/// Runs `script` with /bin/sh in `folder` (at most `seconds`), the binary as "$EOS": for
/// redirections (`2>/dev/full`) and limits (`ulimit -f`) a test sets up around `eos`.
func shell(_ script: String, in folder: String, seconds: Double = 120) throws -> (status: Int32?, output: String) {
    let child = try Child(
        ["-c", script], in: folder, log: "sh-\(UUID().uuidString.prefix(6)).log",
        environment: ["EOS": EOSBinary.path!], executable: "/bin/sh")
    let status = child.wait(seconds: seconds)
    child.kill9()
    return (status, child.output)
}

/// The worker pid in a journal's worker name (`host-pid`).
func workerPID(_ name: String?) -> Int32? {
    name?.split(separator: "-").last.flatMap { Int32($0) }
}
