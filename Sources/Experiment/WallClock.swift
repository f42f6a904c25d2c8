import Foundation
import Dynamics

/// A `PhaseClock` on the monotonic clock: accumulates seconds per phase for `summary.json`.
struct WallClock: PhaseClock {
    private(set) var seconds: [RunPhase: Double] = [:]
    let start = WallClock.now()

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    mutating func time<R>(_ phase: RunPhase, _ body: () throws -> R) rethrows -> R {
        let t0 = WallClock.now()
        defer { seconds[phase, default: 0] += WallClock.now() - t0 }
        return try body()
    }

    var total: Double { WallClock.now() - start }
}
