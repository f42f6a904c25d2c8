import Testing
@testable import LinearAlgebra

@Suite struct MatrixProductTests {
    @Test func gemmMatchesNaiveProductInBothPrecisionsAndTransposes() {
        var g = SeededGenerator(seed: 7, stream: .testing)
        let a = Matrix<Double>(rows: 3, columns: 4, storage: (0..<12).map { _ in g.nextNormal() })
        let b = Matrix<Double>(rows: 4, columns: 5, storage: (0..<20).map { _ in g.nextNormal() })
        func naive(_ x: Matrix<Double>, _ y: Matrix<Double>) -> Matrix<Double> {
            var c = Matrix<Double>(rows: x.rows, columns: y.columns)
            for i in 0..<x.rows { for j in 0..<y.columns { for k in 0..<x.columns { c[i, j] += x[i, k] * y[k, j] } } }
            return c
        }
        let expected = naive(a, b)
        let cases: [Matrix<Double>] = [
            product(a, b),
            product(a.transposed, transposeA: true, b),
            product(a, b.transposed, transposeB: true),
            product(a.transposed, transposeA: true, b.transposed, transposeB: true),
        ]
        for c in cases {
            for (x, y) in zip(c.storage, expected.storage) { #expect(abs(x - y) < 1e-13) }
        }
        let cf = product(a.converted(to: Float.self), b.converted(to: Float.self))
        for (x, y) in zip(cf.storage, expected.storage) { #expect(abs(Double(x) - y) < 1e-5) }
    }

    @Test func gemvAndLevelOneOperations() {
        let a = Matrix<Double>([[1, 2], [3, 4], [5, 6]])
        var y = [Double](repeating: 0, count: 3)
        multiply(a, [1, -1], into: &y)
        #expect(y == [-1, -1, -1])
        var z = [Double](repeating: 1, count: 2)
        multiply(a, transpose: true, [1, 1, 1], beta: 2, into: &z)
        #expect(z == [11, 14])
        #expect(dot([1.0, 2, 3], [4, 5, 6]) == 32)
        #expect(abs(norm([3.0, 4]) - 5) < 1e-15)
        var v = [1.0, 1]
        axpy(2, [1, 2], &v)
        #expect(v == [3, 5])
        scale(&v, by: 0.5)
        #expect(v == [1.5, 2.5])
    }
}

/// The blocked multi-vector operations against one level-1 call per vector, with the default
/// block and with blocks of 4096 (the length spans several and ends in a partial one).
@Suite struct MultiVectorOperationTests {
    static let length = 2 * 4096 + 1234

    static func vectors(_ count: Int, seed: UInt64) -> [[Double]] {
        var g = SeededGenerator(seed: seed, stream: .testing)
        return (0..<count).map { _ in (0..<length).map { _ in g.nextNormal() } }
    }

    @Test func dotsEqualSeparateDotProducts() {
        let x = Self.vectors(5, seed: 1), y = Self.vectors(1, seed: 2)[0]
        for block in [nil, 4096] {
            var out = [Double](repeating: .nan, count: 6)
            dots(x, count: 4, with: y, into: &out, block: block)
            for l in 0..<4 { #expect(abs(out[l] - dot(x[l], y)) <= 1e-12 * norm(x[l]) * norm(y)) }
            #expect(out[4].isNaN && out[5].isNaN)  // only `count` entries are written
        }
    }

    @Test func addCombinationIsBitForBitASequenceOfAxpys() {
        let x = Self.vectors(4, seed: 3)
        let start = Self.vectors(1, seed: 4)[0]
        let alphas: [Double] = [0.5, -2, 3.25, 1e-3]
        var reference = start
        for l in 0..<3 { axpy(alphas[l], x[l], &reference) }
        for block in [nil, 4096] {
            var combined = start
            addCombination(alphas, of: x, count: 3, into: &combined, block: block)
            #expect(combined == reference)
        }
    }
}

@Suite struct SymmetricEigendecompositionTests {
    @Test func recoversAKnownSpectrum() throws {
        // A = Q diag(λ) Qᵀ with Q a Householder reflection: the spectrum is λ exactly.
        let lambda: [Double] = [-2, 0.5, 3, 7]
        var w: [Double] = [1, 2, -1, 0.5]
        w = normalized(w)
        var q = Matrix<Double>.identity(4)
        for i in 0..<4 { for j in 0..<4 { q[i, j] -= 2 * w[i] * w[j] } }
        var d = Matrix<Double>(rows: 4, columns: 4)
        for i in 0..<4 { d[i, i] = lambda[i] }
        let a = product(product(q, d), q, transposeB: true)
        let e = try SymmetricEigendecomposition(a)
        for (x, y) in zip(e.values, lambda) { #expect(abs(x - y) < 1e-13) }
        for i in 0..<4 {
            var av = [Double](repeating: 0, count: 4)
            multiply(a, e.vectors.row(i), into: &av)
            let r = adding(av, -e.values[i], e.vectors.row(i))
            #expect(norm(r) < 1e-13)
        }
    }
}

@Suite struct SeededGeneratorTests {
    @Test func streamsAreDeterministicAndIndependent() {
        var a = SeededGenerator(seed: 1, stream: .initialization)
        var b = SeededGenerator(seed: 1, stream: .initialization)
        var c = SeededGenerator(seed: 1, stream: .data)
        let xa = (0..<8).map { _ in a.next() }
        #expect(xa == (0..<8).map { _ in b.next() })
        #expect(xa != (0..<8).map { _ in c.next() })
        var u = SeededGenerator(seed: 3, stream: .testing)
        let draws = (0..<20000).map { _ in u.nextNormal() }
        let mean = draws.reduce(0, +) / 20000
        let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 20000
        #expect(abs(mean) < 0.03)  // 4σ of the sample mean is 0.028
        #expect(abs(variance - 1) < 0.05)
    }
}
