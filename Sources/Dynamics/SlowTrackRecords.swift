/// One row of `beta.csv`: β_{s→t} = ∇S⊥_t · r_t of the tracker started at step s (see `BetaTracker`).
public struct BetaRecord: Sendable, Equatable {
    public let s: Int
    public let t: Int
    public let beta: Double
}

/// One row of `track-slow.csv`: λ₂, the second Hessian eigenvalue at θ†_t.
public struct Lambda2Record: Sendable, Equatable, Codable {
    public let step: Int
    public let lambda2: Double
}

/// One row of `profile.csv`: F(x) = L(θ†_t + x u) at one of the 101 points of a step's profile.
public struct ProfilePoint: Sendable, Equatable {
    public let step: Int
    public let x: Double
    public let loss: Double
}

/// Everything phase B produces at one step t, for the run-directory writer.
public struct TrackingStep: Sendable, Equatable {
    /// The `trace.csv` row of GD θ_t (sharpness at the iterate); nil at t0, whose row phase A
    /// already emitted with the midpoint check that made it t0 (so trace.csv has each iterate once
    /// and eos_step = track_start_step; GD's iterate sharpness at t0 is in `track.gdSharpness`).
    public let trace: TraceRecord?
    public let track: TrackRecord
    /// One row per active β tracker.
    public let beta: [BetaRecord]
    /// Every 50 phase-B steps (t − t0 ≡ 0 mod 50), else nil.
    public let lambda2: Lambda2Record?
    /// 101 points every 50 phase-B steps, else empty.
    public let profile: [ProfilePoint]
}
