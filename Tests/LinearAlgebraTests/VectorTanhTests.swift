import Testing
import Glibc
@testable import LinearAlgebra

/// `vectorTanh` against libm's tanh evaluated one precision higher (Double for Float, Float80
/// for Double), so the reference itself is correct to well under ½ ulp of the tested type.
@Suite struct VectorTanhTests {
    /// Points spread over the whole useful range on a log scale, both signs, plus special values.
    static func samples() -> [Double] {
        var x: [Double] = [0, 1e-300, 1e-30, 1e-8, 0.5 * 0.693_147_18, 0.693_147_18, 9.05, 9.2, 19.05, 19.2, 40, 1e300]
        var g = SeededGenerator(seed: 11, stream: .testing)
        for _ in 0..<20_000 { x.append(powerOfTen(g.nextUniform(-8, 1.35))) }
        for _ in 0..<5_000 { x.append(g.nextUniform(0, 2)) }
        return x + x.map { -$0 }
    }

    static func powerOfTen(_ e: Double) -> Double { Glibc.pow(10, e) }

    @Test func floatIsWithinFourUlpOfTheCorrectlyRoundedValue() {
        let x = Self.samples().map { Float($0) }
        var t = [Float](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { xp in
            t.withUnsafeMutableBufferPointer { Float.vectorTanh(xp.baseAddress!, into: $0.baseAddress!, count: x.count) }
        }
        var worst: Float = 0
        for (xi, ti) in zip(x, t) {
            let reference = Float(Glibc.tanh(Double(xi)))
            let ulps = abs(ti - reference) / max(reference.ulp, Float.leastNormalMagnitude.ulp)
            worst = max(worst, ulps)
            #expect(ti.sign == xi.sign || ti == 0)
        }
        #expect(worst <= 4, "worst error \(worst) ulp")
    }

    @Test func doubleIsWithinFourUlpOfTheExtendedPrecisionValue() {
        let x = Self.samples()
        var t = [Double](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { xp in
            t.withUnsafeMutableBufferPointer { Double.vectorTanh(xp.baseAddress!, into: $0.baseAddress!, count: x.count) }
        }
        var worst: Double = 0
        for (xi, ti) in zip(x, t) {
            let reference = Double(Glibc.tanhl(Float80(xi)))
            let ulps = abs(ti - reference) / max(reference.ulp, Double.leastNormalMagnitude.ulp)
            worst = max(worst, ulps)
        }
        #expect(worst <= 4, "worst error \(worst) ulp")
    }

    @Test func specialValues() {
        let x: [Double] = [.nan, .infinity, -.infinity, -0.0, 0.0]
        var t = [Double](repeating: 7, count: x.count)
        x.withUnsafeBufferPointer { xp in
            t.withUnsafeMutableBufferPointer { Double.vectorTanh(xp.baseAddress!, into: $0.baseAddress!, count: x.count) }
        }
        #expect(t[0].isNaN)
        #expect(t[1] == 1 && t[2] == -1)
        #expect(t[3] == 0 && t[3].sign == .minus && t[4] == 0 && t[4].sign == .plus)
        let xf: [Float] = [.nan, .infinity, -.infinity]
        var tf = [Float](repeating: 7, count: 3)
        xf.withUnsafeBufferPointer { xp in
            tf.withUnsafeMutableBufferPointer { Float.vectorTanh(xp.baseAddress!, into: $0.baseAddress!, count: 3) }
        }
        #expect(tf[0].isNaN && tf[1] == 1 && tf[2] == -1)
    }

    /// The kernel rounds every operation on its own: its vectorised code gives the bits of the
    /// same method evaluated one scalar operation at a time (here in Swift, which never fuses),
    /// so the AVX-512, AVX2 and baseline versions agree and results do not depend on the CPU.
    @Test func vectorisedKernelGivesTheBitsOfTheScalarMethod() {
        let x = Self.samples()
        var t = [Double](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { xp in
            t.withUnsafeMutableBufferPointer { Double.vectorTanh(xp.baseAddress!, into: $0.baseAddress!, count: x.count) }
        }
        #expect(zip(x, t).allSatisfy { scalarMethod($0).bitPattern == $1.bitPattern || $1.isNaN })
        let xf = x.map { Float($0) }
        var tf = [Float](repeating: .nan, count: xf.count)
        xf.withUnsafeBufferPointer { xp in
            tf.withUnsafeMutableBufferPointer { Float.vectorTanh(xp.baseAddress!, into: $0.baseAddress!, count: xf.count) }
        }
        #expect(zip(xf, tf).allSatisfy { scalarMethod($0).bitPattern == $1.bitPattern || $1.isNaN })
    }

    /// VectorTanh.c's method, one operation at a time (degree 8 in Float, 13 in Double).
    func scalarMethod<T: BinaryFloatingPoint>(
        _ v: T, clamp: T, shifter: T, log2e: T, ln2High: T, ln2Low: T,
        coefficients: [T], twoK: (T) -> T
    ) -> T {
        let a = Swift.min(abs(v), clamp)
        let y = a + a
        let kShifted = y * log2e + shifter
        let k = kShifted - shifter
        let r = (y - k * ln2High) - k * ln2Low
        var p = coefficients[0]
        for c in coefficients.dropFirst() { p = p * r + c }
        p = p * r * r + r
        let pow2 = twoK(kShifted)
        let e = pow2 * p + (pow2 - 1)
        let t = e / (e + 2)
        return v.sign == .minus ? -t : t
    }

    static let floatCoefficients: [Float] = [1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5]
    static let doubleCoefficients: [Double] = [
        1.0 / 6_227_020_800, 1.0 / 479_001_600, 1.0 / 39_916_800, 1.0 / 3_628_800, 1.0 / 362_880,
        1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5,
    ]

    func scalarMethod(_ v: Float) -> Float {
        scalarMethod(
            v, clamp: 9.1, shifter: 0x1.8p23, log2e: 1.442_695_04, ln2High: 0.693_145_75, ln2Low: 1.428_606_8e-6,
            coefficients: Self.floatCoefficients,
            twoK: { Float(bitPattern: ($0.bitPattern &+ 127) &<< 23) })
    }

    func scalarMethod(_ v: Double) -> Double {
        scalarMethod(
            v, clamp: 19.1, shifter: 0x1.8p52, log2e: 1.442_695_040_888_963_4,
            ln2High: 6.931_471_803_691_238_2e-1, ln2Low: 1.908_214_929_270_587_7e-10,
            coefficients: Self.doubleCoefficients,
            twoK: { Double(bitPattern: ($0.bitPattern &+ 1023) &<< 52) })
    }
}
