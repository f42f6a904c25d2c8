import Foundation
import TestSupport
import Testing
@testable import SweepReports

/// Renders a sweep's `index.html` in headless Chromium (Debian package `chromium`): the
/// screenshot must show the plots (not a blank page), and Chromium must lay out every figure.
@Suite struct ChromiumRenderingTests {
    static let chromium: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "")
        .split(separator: ":").map { "\($0)/chromium" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(
        .enabled(
            if: chromium != nil,
            "chromium is not on PATH: install the Debian package with `apt-get install -y chromium`"))
    func indexHTMLRendersEveryFigure() throws {
        let folder = try ReportFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try Report.make(source: try ReportFixtures.makeJournal(in: folder))
        let out = folder.appendingPathComponent("report")
        try report.write(to: out.path)

        // One Chromium run: a probe script appended to the page counts the figures Chromium laid
        // out with a real size and paints the count into the red channel of a 20 × 20 px square
        // at the top-left corner (rgb(count, 255, 0)); the rest of the screenshot is the page.
        let probe = out.appendingPathComponent("probe.html")
        let script = """
            <script>
            const n = [...document.querySelectorAll('figure > svg')]
              .filter(s => { const r = s.getBoundingClientRect(); return r.width > 200 && r.height > 200; }).length;
            const square = document.createElement('div');
            square.style.cssText = `position:fixed;left:0;top:0;width:20px;height:20px;background:rgb(${n},255,0)`;
            document.body.appendChild(square);
            </script>
            </body>
            """
        try Data(report.html.replacingOccurrences(of: "</body>", with: script).utf8).write(to: probe)
        let shot = folder.appendingPathComponent("shot.png")
        try runChromium(["--window-size=1200,1000", "--screenshot=\(shot.path)", probe.absoluteString], folder: folder)
        let image = try PNGImage(contentsOf: shot)
        #expect(image.width == 1200 && image.height == 1000)

        #expect(report.figures.count == 4)
        let square = image.pixels[5 * image.width + 5]
        #expect(square & 0x00FFFF == 0x00FF00, "the probe script did not run")
        #expect(square >> 16 == UInt32(report.figures.count), "Chromium did not lay out every figure")

        // Not blank: plots cover a good part of the first screen, in the palette's exact colours
        // (marker interiors are not anti-aliased).
        let inked = image.pixels.filter { ($0 >> 16) + ($0 >> 8 & 0xFF) + ($0 & 0xFF) < 3 * 235 }.count
        #expect(Double(inked) / Double(image.pixels.count) > 0.03, "the screenshot is (nearly) blank")
        #expect(
            image.pixels.contains(0x0072B2) && image.pixels.contains(0xD55E00),
            "the first two series colours do not appear on screen")
    }

    /// Runs headless Chromium with `arguments` (killed after 60 s).
    private func runChromium(_ arguments: [String], folder: URL) throws {
        // --no-sandbox: CI containers run as root, where Chromium's sandbox refuses to start.
        let options = [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--user-data-dir=\(folder.appendingPathComponent("chromium-profile").path)",
        ]
        let run = try runToEnd(try #require(Self.chromium), options + arguments, seconds: 60)
        #expect(run.exit == .exited(0), "chromium: \(run.exit.map(\.description) ?? "did not end within 60 s")")
    }
}
