import Foundation
import TestSupport
import Testing

/// `Process.exit(within:)` and `runToEnd`, which every test that starts a child waits with.
@Suite("the tests' wait for a child: exit status, signal, time limit")
struct ChildExitTests {
    @Test func anExitStatusASignalAndAChildStillRunning() throws {
        #expect(try runToEnd("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"]).exit == .exited(3))
        let printed = try runToEnd("/bin/sh", ["-c", "echo out; echo err >&2"])
        #expect(printed.exit == .exited(0) && printed.output == "out\n" && printed.errors == "err\n")

        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["30"]
        try sleeper.run()
        #expect(sleeper.exit(within: 0.2) == nil)
        kill(sleeper.processIdentifier, SIGKILL)
        #expect(sleeper.exit(within: 30) == .signaled(SIGKILL))
    }

    @Test func aChildOverItsTimeIsKilled() throws {
        let start = Date()
        let run = try runToEnd("/bin/sleep", ["30"], seconds: 0.5)
        #expect(run.exit == nil)
        #expect(Date().timeIntervalSince(start) < 10)
    }
}
