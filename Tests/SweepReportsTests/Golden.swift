import Foundation
import Testing

/// Golden files in `Golden/` next to this file. `EOS_UPDATE_GOLDEN=1 swift test --filter
/// SweepReportsTests` rewrites them from the current output; review the diff before committing.
enum Golden {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func check(_ actual: String, against name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["EOS_UPDATE_GOLDEN"] == "1" {
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? Data(actual.utf8).write(to: url)
            return
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Issue.record(
                "golden file \(name) is missing: run with EOS_UPDATE_GOLDEN=1 and review it",
                sourceLocation: sourceLocation)
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        guard actual != expected else { return }
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let line = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
        Issue.record(
            """
            \(name) differs from its golden file at line \(line + 1):
              expected: \(line < e.count ? String(e[line].prefix(300)) : "(end of file)")
              actual:   \(line < a.count ? String(a[line].prefix(300)) : "(end of file)")
            """, sourceLocation: sourceLocation)
    }
}
