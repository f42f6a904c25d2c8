import Foundation
import TestSupport
@testable import SweepJournal

/// A fresh folder under the system temp folder, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("SweepJournalTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var journalPath: String { url.appendingPathComponent("journal.sqlite").path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// A 64-hex task key made from a small number (keys are opaque to the journal).
func taskKey(_ n: Int) -> String {
    let hex = String(n, radix: 16)
    return String(repeating: "0", count: 64 - hex.count) + hex
}

/// A task with grid value `n` for `train.lr`.
func gridTask(_ n: Int) -> (key: String, configJSON: String, gridJSON: String) {
    (key: taskKey(n), configJSON: #"{"train":{"lr":\#(n)}}"#, gridJSON: #"{"train.lr":\#(n)}"#)
}

extension SweepJournal {
    /// Synchronizes the sweep "test" with tasks `numbers` in that order.
    @discardableResult
    func synchronize(_ numbers: [Int], now: Double = 0) throws -> SynchronizationCounts {
        try synchronize(
            sweepName: "test", specText: "[sweep]\nname = \"test\"\n", toolVersion: "0.1.0",
            tasks: numbers.map(gridTask), now: now)
    }

    func state(_ n: Int) throws -> TaskState? { try task(key: taskKey(n))?.state }
}

/// Python 3 with its `sqlite3` module: an independent reader and writer of the journal file.
enum Python {
    /// The interpreter itself (not a pyenv shim), so that its pid is the pid we signal; nil
    /// when there is no python3 with sqlite3 on PATH.
    static let executable: String? = {
        guard
            let result = try? run(
                executable: "/usr/bin/env",
                arguments: ["python3", "-c", "import sqlite3, sys; print(sys.executable)"]),
            result.status == 0
        else { return nil }
        let path = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? nil : path
    }()

    static var isAvailable: Bool { executable != nil }

    /// Runs `script` with `arguments` (sys.argv[1...]) to the end (at most 2 minutes); returns its
    /// exit status (nil: killed by a signal, or not done in time) and stdout.
    static func run(_ script: String, _ arguments: [String] = []) throws -> (status: Int32?, output: String) {
        try run(executable: executable ?? "/usr/bin/false", arguments: ["-c", script] + arguments)
    }

    /// Starts `script` with stdin and stdout piped (closing stdin is how a script can be told to end).
    static func start(_ script: String, _ arguments: [String] = []) throws -> (process: Process, output: FileHandle, input: FileHandle) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? "/usr/bin/false")
        process.arguments = ["-u", "-c", script] + arguments
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        return (process, output.fileHandleForReading, input.fileHandleForWriting)
    }

    private static func run(executable: String, arguments: [String]) throws -> (status: Int32?, output: String) {
        let run = try runToEnd(executable, arguments)
        guard case .exited(let status) = run.exit else { return (nil, run.output) }
        return (status, run.output)
    }
}

/// The lines a child process writes to a pipe, read as they come.
final class LineReader {
    private let handle: FileHandle
    private var buffer = Data()
    private var read: [String] = []

    init(_ handle: FileHandle) { self.handle = handle }

    /// Every line read so far, after reading until `enough(lines)` holds or the pipe closes.
    func lines(until enough: ([String]) -> Bool) -> [String] {
        while !enough(read) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                read.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                buffer = Data(buffer[buffer.index(after: newline)...])
            }
        }
        return read
    }
}
