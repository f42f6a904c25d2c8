/// The parts of a run whose time `summary.json` reports (`timings`: gd, eigen, tracking, central).
public enum RunPhase: String, Sendable, CaseIterable {
    case gd, eigen, tracking, central
}

/// Times the phases of a run. The engine has no clock of its own: the caller passes one
/// (the Experiment layer a wall clock, tests nothing).
public protocol PhaseClock {
    mutating func time<R>(_ phase: RunPhase, _ body: () throws -> R) rethrows -> R
}

/// A clock that measures nothing.
public struct NoPhaseClock: PhaseClock {
    public init() {}
    public mutating func time<R>(_ phase: RunPhase, _ body: () throws -> R) rethrows -> R { try body() }
}
