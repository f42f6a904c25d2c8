import Foundation
import Testing

@Suite(
    "the quickstart shows the classic picture in every cell", .serialized,
    .enabled(if: EOSBinary.isAvailable, "the eos binary was not built next to the tests (swift build --build-tests)"))
struct QuickstartTests {
    /// sweeps/quickstart.toml, cut to its first 300 steps (a prefix of the same runs): every task
    /// must reach 2/η there, so in the full 1000 steps each cell rises to the edge and hovers.
    @Test("every cell of sweeps/quickstart.toml reaches 2/η within 300 of its 1000 steps")
    func everyCellReachesTheEdge() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let spec = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sweeps/quickstart.toml")
        let text = try String(contentsOf: spec, encoding: .utf8)
        #expect(text.contains("\nsteps = 1000\n"))
        try scratch.write("spec.toml", text.replacingOccurrences(of: "\nsteps = 1000\n", with: "\nsteps = 300\n"))
        let sweep = try eos(
            ["sweep", "spec.toml", "--workers", "2", "--threads-per-worker", "1", "--out", "out"], in: scratch.path, seconds: 600)
        #expect(sweep.status == 0, "\(sweep.output)")
        let export = try eos(["export", "out/journal.sqlite"], in: scratch.path)
        let lines = export.output.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(lines.first)
        let eos = try #require(header.firstIndex(of: "eos_step")), lr = try #require(header.firstIndex(of: "train.lr"))
        let width = try #require(header.firstIndex(of: "model.width"))
        #expect(lines.count == 7)
        for row in lines.dropFirst() {
            #expect(Int(row[eos]).map { $0 <= 300 } == true, "η = \(row[lr]), width \(row[width]) never reached 2/η")
        }
    }
}
