import Glibc

/// ISO 8601 text of a unix time, from gmtime(3) or localtime(3) and formatted by hand:
/// `ISO8601DateFormatter` built a formatter per call, which cost more than handling a message in
/// a coordinator that logs thousands of lines a second, and a quarter of a large `eos export`.
public enum ISO8601Time {
    /// UTC to the millisecond, e.g. `2026-12-06T03:33:13.250Z`: the seconds rounded to whole
    /// milliseconds, ties to even (as Python's `round`, so `python/eos_frames.py` agrees).
    public static func utcMilliseconds(_ seconds: Double) -> String {
        var (whole, milliseconds) = Int((seconds * 1000).rounded(.toNearestOrEven)).quotientAndRemainder(dividingBy: 1000)
        if milliseconds < 0 {
            whole -= 1
            milliseconds += 1000
        }
        var time = time_t(whole)
        var parts = tm()
        gmtime_r(&time, &parts)
        return dateAndTime(parts) + "." + pad(Int32(milliseconds), 3) + "Z"
    }

    /// Local time to the second with its offset, e.g. `2026-12-06T03:09:36+01:00` (`Z` in UTC).
    public static func localSeconds(_ seconds: Double) -> String {
        var time = time_t(seconds.rounded(.down))
        var parts = tm()
        localtime_r(&time, &parts)
        let offset = Int32(parts.tm_gmtoff / 60)
        let zone = offset == 0 ? "Z" : "\(offset < 0 ? "-" : "+")\(pad(abs(offset) / 60)):\(pad(abs(offset) % 60))"
        return dateAndTime(parts) + zone
    }

    /// `YYYY-MM-DDTHH:MM:SS` of `parts`.
    private static func dateAndTime(_ parts: tm) -> String {
        "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))T"
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))"
    }

    private static func pad(_ n: Int32, _ width: Int = 2) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
