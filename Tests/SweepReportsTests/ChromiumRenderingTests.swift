import Foundation
import Testing
@testable import SweepReports

/// Renders a sweep's `index.html` in headless Chromium (Debian package `chromium`): the
/// screenshot must show the plots (not a blank page), and Chromium must lay out every figure.
@Suite struct ChromiumRenderingTests {
    static let chromium: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "")
        .split(separator: ":").map { "\($0)/chromium" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: chromium != nil,
                   "chromium is not on PATH: install the Debian package with `apt-get install -y chromium`"))
    func indexHTMLRendersEveryFigure() throws {
        let folder = try ReportFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try Report.make(source: try ReportFixtures.makeJournal(in: folder))
        let out = folder.appendingPathComponent("report")
        try report.write(to: out.path)
        let index = out.appendingPathComponent("index.html")

        // Not blank: plots cover a good part of the first screen, in the palette's exact colours
        // (marker interiors are not anti-aliased).
        let shot = folder.appendingPathComponent("shot.png")
        _ = try runChromium(["--window-size=1280,1400", "--screenshot=\(shot.path)", index.absoluteString], folder: folder)
        let image = try PNGImage(contentsOf: shot)
        #expect(image.width == 1280 && image.height == 1400)
        let inked = image.pixels.filter { Int($0.r) + Int($0.g) + Int($0.b) < 3 * 235 }.count
        #expect(Double(inked) / Double(image.pixels.count) > 0.03, "the screenshot is (nearly) blank")
        let blue = image.pixels.contains { $0 == (0x00, 0x72, 0xB2) }
        let vermillion = image.pixels.contains { $0 == (0xD5, 0x5E, 0x00) }
        #expect(blue && vermillion, "the first two series colours do not appear on screen")

        // Every figure laid out with a real size: a probe script counts them in Chromium's DOM.
        let probe = out.appendingPathComponent("probe.html")
        let script = """
            <script>
            const n = [...document.querySelectorAll('figure > svg')]
              .filter(s => { const r = s.getBoundingClientRect(); return r.width > 200 && r.height > 200; }).length;
            document.body.setAttribute('data-rendered-figures', String(n));
            </script>
            </body>
            """
        try Data(report.html.replacingOccurrences(of: "</body>", with: script).utf8).write(to: probe)
        let dom = try runChromium(["--dump-dom", probe.absoluteString], folder: folder)
        #expect(report.figures.count == 4)
        #expect(dom.contains("data-rendered-figures=\"\(report.figures.count)\""),
                "Chromium did not lay out \(report.figures.count) figures")
    }

    /// Runs headless Chromium with `arguments` (killed after 60 s); returns its standard output.
    private func runChromium(_ arguments: [String], folder: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.chromium))
        // --no-sandbox: CI containers run as root, where Chromium's sandbox refuses to start.
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                             "--user-data-dir=\(folder.appendingPathComponent("chromium-profile").path)"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        #expect(process.terminationStatus == 0, "chromium exited with status \(process.terminationStatus)")
        return String(decoding: data, as: UTF8.self)
    }
}
