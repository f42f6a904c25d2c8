import Foundation

/// Seconds of `CLOCK_MONOTONIC`: the worker's clock, which wall-clock steps (NTP, a suspended VM
/// resumed) do not move. Its times never leave the process.
enum MonotonicClock {
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
