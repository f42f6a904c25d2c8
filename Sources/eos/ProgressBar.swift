import Foundation

/// Progress of long work on standard error: a bar with ETA redrawn in place on a terminal,
/// plain lines (every 10 % or 30 s) otherwise, so logs of batch jobs stay readable.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let label: String
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var lastPlainFraction = -1.0

    init(label: String) { self.label = label }

    /// Shows `done` of `total` with a trailing detail such as "loss 0.12 S 7.9".
    func update(done: Int, total: Int, detail: String) {
        lock.lock(); defer { lock.unlock() }
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : .nan
        if isTerminal {
            guard now.timeIntervalSince(lastDraw) >= 0.1 || done >= total else { return }
            lastDraw = now
            let width = 28
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            let line = String(
                format: "%@ [%@] %3.0f%% %d/%d %@ ETA %@", label, bar, fraction * 100, done, total,
                detail, ProgressBar.duration(eta))
            Console.error("\r\u{1B}[K" + line)
        } else {
            guard fraction - lastPlainFraction >= 0.1 || now.timeIntervalSince(lastDraw) >= 30 || done >= total else { return }
            lastPlainFraction = fraction
            lastDraw = now
            let line = String(
                format: "%@ %3.0f%% %d/%d %@ ETA %@\n", label, fraction * 100, done, total, detail,
                ProgressBar.duration(eta))
            Console.error(line)
        }
    }

    /// Ends the bar's line on a terminal.
    func finish() {
        if isTerminal { Console.error("\n") }
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "--:--" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
