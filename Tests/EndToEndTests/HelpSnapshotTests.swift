import Foundation
import Testing

/// `eos <subcommand> --help` of the built binary against the checked-in text in
/// `Tests/EndToEndTests/HelpSnapshots/` (swift-argument-parser's own habit of testing help
/// screens), so a changed flag, default or help line shows up in review.
///
/// After a deliberate change, regenerate the snapshots and review the diff:
///
///     swift build --build-tests
///     EOS_RECORD_HELP_SNAPSHOTS=1 swift test --skip-build --filter HelpSnapshotTests
///     git diff Tests/EndToEndTests/HelpSnapshots
@Suite(
    "eos --help of every subcommand equals its snapshot",
    .enabled(if: EOSBinary.isAvailable, "the eos binary was not built next to the tests (swift build --build-tests)"))
struct HelpSnapshotTests {
    /// The snapshot folder, beside this file in the source tree.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("HelpSnapshots")

    /// Every command of `eos`, by its words on the command line.
    static let commands: [[String]] = [
        [], ["run"], ["sweep"], ["coordinator"], ["worker"], ["status"], ["export"], ["report"],
        ["keys"], ["keys", "generate"],
    ]

    @Test("help screen", arguments: commands)
    func helpEqualsSnapshot(_ command: [String]) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // A fixed width: help is wrapped to COLUMNS (80 when unset and not on a terminal).
        let (status, output) = try eos(command + ["--help"], in: scratch.path, environment: ["COLUMNS": "100"])
        #expect(status == 0, "\(output)")
        let file = Self.folder.appendingPathComponent((["eos"] + command).joined(separator: "-") + ".txt")
        if ProcessInfo.processInfo.environment["EOS_RECORD_HELP_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try output.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(
            output == expected,
            """
            eos \(command.joined(separator: " ")) --help differs from \(file.lastPathComponent) \
            (EOS_RECORD_HELP_SNAPSHOTS=1 regenerates it):
            \(output)
            """)
    }
}
