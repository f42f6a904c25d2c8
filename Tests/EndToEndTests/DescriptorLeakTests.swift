import Foundation
import Testing

/// Starting child processes leaves no descriptor open in the parent. A test run starts over a
/// thousand `eos` children; when each kept its log file open, the test process passed 1,300
/// descriptors and Foundation's `Process.run` (which walks every open descriptor to close it in
/// the child) crashed with SIGSEGV on CI.
@Suite(
    "child processes leak no file descriptors",
    .enabled(if: EOSBinary.isAvailable, "the eos binary was not built next to the tests (swift build --build-tests)"))
struct DescriptorLeakTests {
    /// The descriptors of this process that name a file under `folder` (other tests run in
    /// parallel, so only this test's own files are counted).
    private func descriptors(under folder: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0) }
            .filter { $0.hasPrefix(folder) }
    }

    @Test func finishedChildrenCloseTheirLogs() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        for _ in 0..<5 {
            let (status, _) = try eos(["--help"], in: scratch.path)
            #expect(status == 0)
        }
        let child = try Child(["--help"], in: scratch.path, log: "running.log")
        #expect(child.wait(seconds: 60) == 0)
        #expect(descriptors(under: scratch.path) == [], "descriptors left open on the children's logs")
    }
}
