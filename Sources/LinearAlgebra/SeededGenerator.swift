import RealModule

/// A deterministic random number generator: xoshiro256** seeded through SplitMix64.
///
/// `SeededGenerator(seed:stream:)` gives independent streams for one seed, so that model
/// initialisation, synthetic data and eigen-solver start vectors never share draws
/// (docs/ARCHITECTURE.md §3: same config, same machine, same bits).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    /// Named streams used across the engine.
    public enum Stream: UInt64, Sendable {
        case initialization = 1
        case data = 2
        case eigensolver = 3
        case testing = 99
    }

    private var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64, stream: Stream) {
        self.init(seed: seed, streamID: stream.rawValue)
    }

    public init(seed: UInt64, streamID: UInt64) {
        var x = seed &* 0x9E37_79B9_7F4A_7C15 ^ (streamID &+ 0xD1B5_4A32_D192_ED03)
        func splitMix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(&x), splitMix(&x), splitMix(&x), splitMix(&x))
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotl(s.3, 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform on [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform on [low, high).
    public mutating func nextUniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * nextUniform()
    }

    /// Standard normal by Box–Muller (one draw per call; deterministic).
    public mutating func nextNormal() -> Double {
        var u1 = nextUniform()
        while u1 == 0 { u1 = nextUniform() }
        let u2 = nextUniform()
        return (-2 * Double.log(u1)).squareRoot() * Double.cos(2 * Double.pi * u2)
    }
}
