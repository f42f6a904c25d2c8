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
        x.withUnsafeBufferPointer { xp in t.withUnsafeMutableBufferPointer { Float.vectorTanh(xp.baseAddress!, into: $0.baseAddress!, count: x.count) } }
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
        x.withUnsafeBufferPointer { xp in t.withUnsafeMutableBufferPointer { Double.vectorTanh(xp.baseAddress!, into: $0.baseAddress!, count: x.count) } }
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
        x.withUnsafeBufferPointer { xp in t.withUnsafeMutableBufferPointer { Double.vectorTanh(xp.baseAddress!, into: $0.baseAddress!, count: x.count) } }
        #expect(t[0].isNaN)
        #expect(t[1] == 1 && t[2] == -1)
        #expect(t[3] == 0 && t[3].sign == .minus && t[4] == 0 && t[4].sign == .plus)
        let xf: [Float] = [.nan, .infinity, -.infinity]
        var tf = [Float](repeating: 7, count: 3)
        xf.withUnsafeBufferPointer { xp in tf.withUnsafeMutableBufferPointer { Float.vectorTanh(xp.baseAddress!, into: $0.baseAddress!, count: 3) } }
        #expect(tf[0].isNaN && tf[1] == 1 && tf[2] == -1)
    }
}
