/// A rate limit on the coordinator's complaints about peers (malformed messages, refused
/// results, leases named by a connection that does not hold them, plain connections refused
/// by CURVE): at most `burst` per `window` seconds are logged and journaled one by one, the rest
/// only counted and reported in one line when the window is over, so a flood of bad messages
/// costs neither a journal transaction nor a log line each.
struct ComplaintLimiter {
    let burst: Int
    let window: Double
    private var windowStart = -Double.infinity
    private var admitted = 0
    private var suppressed = 0

    init(burst: Int, window: Double) {
        precondition(burst >= 1 && window > 0, "ComplaintLimiter: burst ≥ 1, window > 0")
        self.burst = burst
        self.window = window
    }

    /// Whether a complaint at `now` may be logged and journaled; false counts it as suppressed.
    mutating func admit(now: Double) -> Bool {
        if now - windowStart >= window, suppressed == 0 {
            windowStart = now
            admitted = 0
        }
        if admitted < burst {
            admitted += 1
            return true
        }
        suppressed += 1
        return false
    }

    /// The number of complaints suppressed in a window that is over (then a new window starts);
    /// nil when there is nothing to report yet.
    mutating func takeSuppressed(now: Double) -> Int? {
        guard suppressed > 0, now - windowStart >= window else { return nil }
        defer {
            suppressed = 0
            admitted = 0
            windowStart = now
        }
        return suppressed
    }
}
