import Testing
import LinearAlgebra
import Curvature

@Suite struct BlockLanczosSpectrumTests {
    @Test func diagonalMatrixGivesTopEntriesAndCoordinateVectors() {
        // d is a permutation of {0, …, 59}/7 − 3: the top three are 59/7−3, 58/7−3, 57/7−3.
        let n = 60
        let d = (0..<n).map { Double(($0 * 37) % n) / 7 - 3 }
        var a = Matrix<Double>(rows: n, columns: n)
        for i in 0..<n { a[i, i] = d[i] }
        let result = BlockLanczos<Double>(count: 3, tolerance: 1e-12).topEigenpairs(of: DenseSymmetricOperator(a))
        #expect(result.converged)
        for (i, top) in [59.0, 58, 57].enumerated() {
            let expected = top / 7 - 3
            #expect(abs(result.eigenvalues[i] - expected) <= 1e-10 * abs(expected))
            let index = d.firstIndex(of: expected)!
            #expect(abs(result.eigenvectors[i][index] - 1) < 1e-10)  // +e_index, sign convention included
        }
    }

    @Test func randomSimilarityRecoversTopThreeInFloat64() {
        let known = KnownSpectrum(spectrum(top: [4, 3.6, 3.3], rest: 197, low: -2, high: 3), seed: 2)
        let result = BlockLanczos<Double>(count: 3).topEigenpairs(of: known.dense)
        #expect(result.converged)
        #expect(result.eigenvalues.count == 3 && result.eigenvectors.allSatisfy { $0.count == 200 })
        for i in 0..<3 {
            let lambda = known.eigenvalues[i]
            #expect(abs(result.eigenvalues[i] - lambda) <= 1e-10 * lambda)
            let y = result.eigenvectors[i]
            #expect(abs(norm(y) - 1) < 1e-12)
            #expect(abs(abs(dot(y, known.eigenvectors[i])) - 1) < 1e-10)
            let r = denseResidual(known.matrix, result.eigenvalues[i], y)
            #expect(r <= 1e-8 * 4 * 1.01)  // the relative criterion, τ·max|θ|
            #expect(abs(r - result.residualNorms[i]) <= 1e-12)  // reported residuals are the true ones
        }
    }

    @Test func randomSimilarityRecoversTopThreeInFloat32() {
        let known = KnownSpectrum(spectrum(top: [4, 3.6, 3.3], rest: 197, low: -2, high: 3), seed: 3)
        let op = DenseSymmetricOperator(known.matrix.converted(to: Float.self))
        let result = BlockLanczos<Float>(count: 3, tolerance: 1e-8).topEigenpairs(of: op)
        #expect(result.converged)
        #expect(result.tolerance == BlockLanczos<Float>.toleranceFloor(dimension: 200))
        for i in 0..<3 {
            let lambda = known.eigenvalues[i]
            #expect(abs(Double(result.eigenvalues[i]) - lambda) <= 1e-4 * lambda)
            let y = result.eigenvectors[i].map(Double.init)
            #expect(abs(abs(dot(y, known.eigenvectors[i])) - 1) < 1e-4)
        }
    }

    @Test(arguments: [2, 3])
    func repeatedTopEigenvalueReturnsEveryCopy(multiplicity: Int) {
        let top = Array(repeating: 5.0, count: multiplicity) + [4.5]
        let known = KnownSpectrum(spectrum(top: top, rest: 150 - top.count, low: -3, high: 4), seed: 4)
        let result = BlockLanczos<Double>(count: 3).topEigenpairs(of: known.dense)
        #expect(result.converged)
        let expected = Array(top.prefix(3))
        for i in 0..<3 { #expect(abs(result.eigenvalues[i] - expected[i]) <= 1e-10 * expected[i]) }
        // Each returned vector of the repeated value lies in its eigenspace, and they are orthonormal.
        let eigenspace = Array(known.eigenvectors.prefix(multiplicity))
        for i in 0..<multiplicity {
            #expect(abs(projectionNorm(result.eigenvectors[i], onto: eigenspace) - 1) < 1e-10)
            for j in 0..<i { #expect(abs(dot(result.eigenvectors[i], result.eigenvectors[j])) < 1e-10) }
        }
    }

    @Test func largestAlgebraicWinsOverALargerNegativeEigenvalue() {
        let known = KnownSpectrum(spectrum(top: [2, 1.5, -10, -9.5], rest: 96, low: -1, high: 1), seed: 5)
        let result = BlockLanczos<Double>(count: 2).topEigenpairs(of: known.dense)
        #expect(result.converged)
        #expect(abs(result.eigenvalues[0] - 2) <= 1e-10 * 2)
        #expect(abs(result.eigenvalues[1] - 1.5) <= 1e-10 * 1.5)
        #expect(abs(abs(dot(result.eigenvectors[0], known.eigenvectors[0])) - 1) < 1e-10)
    }

    @Test func matrixFreeLaplacianMatchesItsClosedFormSpectrum() {
        // The path-graph Laplacian tridiag(−1, 2, −1) has eigenvalues 2 − 2cos(jπ/(N+1)), j = 1…N.
        let n = 80
        let result = BlockLanczos<Double>(count: 2, tolerance: 1e-10).topEigenpairs(of: PathLaplacian(dimension: n))
        #expect(result.converged)
        for i in 0..<2 {
            let expected = 2 - 2 * Double.cos(Double(n - i) * Double.pi / Double(n + 1))
            #expect(abs(result.eigenvalues[i] - expected) <= 1e-10 * expected)
        }
    }
}

@Suite struct BlockLanczosWarmStartTests {
    @Test func warmStartFromPerturbedEigenvectorsNeedsAtMostHalfTheProducts() {
        // Krylov errors shrink geometrically, so the saving is log(start error) / log(cold error):
        // a perturbation of norm ~1e-4 against the 1e-8 tolerance.
        let known = KnownSpectrum(spectrum(top: [3.2, 3.1], rest: 198, low: -1, high: 3), seed: 6)
        let solver = BlockLanczos<Double>(count: 2, tolerance: 1e-8)
        let cold = solver.topEigenpairs(of: known.dense)
        var g = SeededGenerator(seed: 8, stream: .testing)
        let start = known.eigenvectors.prefix(2).map { u in u.map { $0 + 1e-5 * g.nextNormal() } }
        let warm = solver.topEigenpairs(of: known.dense, startVectors: start)
        #expect(cold.converged && warm.converged)
        #expect(2 * warm.operatorApplications <= cold.operatorApplications)
        for i in 0..<2 { #expect(abs(warm.eigenvalues[i] - known.eigenvalues[i]) <= 1e-10 * known.eigenvalues[i]) }
    }

    @Test func exactStartVectorsConvergeOnTheFirstBlock() {
        let known = KnownSpectrum(spectrum(top: [3.2, 3.1], rest: 98, low: -1, high: 3), seed: 7)
        let result = BlockLanczos<Double>(count: 2).topEigenpairs(
            of: known.dense,
            startVectors: Array(known.eigenvectors.prefix(2)))
        #expect(result.converged)
        #expect(result.operatorApplications == 2)
    }

    @Test func degenerateStartVectorsAreReplaced() {
        // Two copies of one vector, a zero and a NaN vector: the block is refilled at random.
        let known = KnownSpectrum(spectrum(top: [3, 2.5], rest: 48, low: -1, high: 2), seed: 9)
        let u = known.eigenvectors[0]
        let start = [u, u, [Double](repeating: 0, count: 50), [Double](repeating: .nan, count: 50)]
        let result = BlockLanczos<Double>(count: 2).topEigenpairs(of: known.dense, startVectors: start)
        #expect(result.converged)
        #expect(abs(result.eigenvalues[1] - 2.5) <= 1e-10 * 2.5)
    }
}

@Suite struct BlockLanczosEdgeCaseTests {
    @Test func oneDimensionalOperator() {
        let result = BlockLanczos<Double>(count: 1).topEigenpairs(of: DenseSymmetricOperator(Matrix([[-3.0]])))
        #expect(result.converged)
        #expect(result.eigenvalues == [-3])
        #expect(result.eigenvectors == [[1]])
    }

    @Test func blockLargerThanDimensionAndCountEqualToDimension() {
        // [[2, 1], [1, 2]] has eigenpairs 3 ↦ (1, 1)/√2 and 1 ↦ (1, −1)/√2.
        let a = Matrix<Double>([[2, 1], [1, 2]])
        let result = BlockLanczos<Double>(count: 2, blockSize: 5).topEigenpairs(of: DenseSymmetricOperator(a))
        #expect(result.converged)
        #expect(abs(result.eigenvalues[0] - 3) < 1e-14 && abs(result.eigenvalues[1] - 1) < 1e-14)
        let s = 1 / 2.0.squareRoot()
        #expect(abs(result.eigenvectors[0][0] - s) < 1e-14 && abs(result.eigenvectors[0][1] - s) < 1e-14)
        #expect(abs(abs(result.eigenvectors[1][0]) - s) < 1e-14 && abs(result.eigenvectors[1][0] + result.eigenvectors[1][1]) < 1e-14)
    }

    @Test func fullSpectrumWhenCountEqualsDimension() {
        let lambda: [Double] = [4, 2, 1, 0, -1, -5]
        let known = KnownSpectrum(lambda, reflections: 6, seed: 10)
        let result = BlockLanczos<Double>(count: 6).topEigenpairs(of: known.dense)
        #expect(result.converged)
        for i in 0..<6 { #expect(abs(result.eigenvalues[i] - lambda[i]) < 1e-13) }
    }

    @Test func zeroOperator() {
        let zero = DenseSymmetricOperator(Matrix<Double>(rows: 20, columns: 20))
        let result = BlockLanczos<Double>(count: 2).topEigenpairs(of: zero)
        #expect(result.converged)
        #expect(result.eigenvalues == [0, 0])
        for y in result.eigenvectors { #expect(abs(norm(y) - 1) < 1e-14) }
        #expect(abs(dot(result.eigenvectors[0], result.eigenvectors[1])) < 1e-14)
    }

    @Test(arguments: [0, 3])
    func nonFiniteProductsStopWithoutConverging(cleanApplications: Int) {
        let op = PoisonedOperator(inner: PathLaplacian(dimension: 30), cleanApplications: cleanApplications)
        let result = BlockLanczos<Double>(count: 1).topEigenpairs(of: op)
        #expect(!result.converged)
        #expect(result.stopReason == .nonFiniteValues)
        #expect(result.operatorApplications == cleanApplications + 1)
        #expect(result.eigenvectors.count == 1 && abs(norm(result.eigenvectors[0]) - 1) < 1e-12)
        if cleanApplications == 0 { #expect(result.eigenvalues[0].isNaN) } else { #expect(result.eigenvalues[0].isFinite) }
    }

    /// A NaN after restarts returns the last Ritz pair before it, vector and value consistent
    /// (the restart rebuilds V and A·V in place; the Ritz vectors must survive it).
    @Test func nonFiniteProductAfterRestartsReturnsTheLastConsistentRitzPair() {
        let laplacian = PathLaplacian(dimension: 200)
        let op = PoisonedOperator(inner: laplacian, cleanApplications: 11)
        let result = BlockLanczos<Double>(count: 1, maxBasisSize: 4).topEigenpairs(of: op)
        #expect(result.stopReason == .nonFiniteValues && !result.converged)
        #expect(result.restarts > 0)
        let y = result.eigenvectors[0]
        #expect(abs(norm(y) - 1) < 1e-12)
        var ly = [Double](repeating: 0, count: 200)
        laplacian.apply(y, into: &ly)
        #expect(abs(dot(y, ly) - result.eigenvalues[0]) < 1e-10, "Rayleigh quotient \(dot(y, ly)) vs \(result.eigenvalues[0])")
        #expect(result.eigenvalues[0] > 3 && result.eigenvalues[0] < 4)  // spectrum of tridiag(−1, 2, −1) is in (0, 4)
    }

    @Test func smallBasisRestartsAndStillConverges() {
        let known = KnownSpectrum(spectrum(top: [3, 2.8], rest: 298, low: -1, high: 2.5), reflections: 20, seed: 11)
        let result = BlockLanczos<Double>(count: 2, maxBasisSize: 8).topEigenpairs(of: known.dense)
        #expect(result.converged)
        #expect(result.restarts > 0)
        for i in 0..<2 { #expect(abs(result.eigenvalues[i] - known.eigenvalues[i]) <= 1e-10 * known.eigenvalues[i]) }
    }

    @Test func budgetExhaustionReportsNotConverged() {
        let known = KnownSpectrum(spectrum(top: [3, 2.99], rest: 198, low: -1, high: 2.98), seed: 12)
        let result = BlockLanczos<Double>(count: 2, maxOperatorApplications: 10).topEigenpairs(of: known.dense)
        #expect(!result.converged)
        #expect(result.stopReason == .applicationBudgetExhausted)
        #expect(result.operatorApplications <= 10)
        #expect(result.eigenvalues[0] <= 3 + 1e-12)  // a Ritz value never exceeds λ_max
    }

    @Test func sameSeedSameBitsAndSignConvention() {
        let known = KnownSpectrum(spectrum(top: [3, 2.5, 2.4], rest: 97, low: -2, high: 2), seed: 13)
        let solver = BlockLanczos<Double>(count: 3, blockSize: 4, seed: 42)
        let first = solver.topEigenpairs(of: known.dense)
        let second = solver.topEigenpairs(of: known.dense)
        #expect(first.eigenvalues.map(\.bitPattern) == second.eigenvalues.map(\.bitPattern))
        #expect(first.eigenvectors.flatMap { $0 }.map(\.bitPattern) == second.eigenvectors.flatMap { $0 }.map(\.bitPattern))
        #expect(first.operatorApplications == second.operatorApplications)
        for y in first.eigenvectors {
            let largest = y.map(abs).max()!
            #expect(y.first { abs($0) == largest }! > 0)
        }
    }
}

/// tridiag(−1, 2, −1) on ℝᴺ, applied without a matrix.
struct PathLaplacian: SymmetricOperator {
    let dimension: Int
    func apply(_ v: [Double], into result: inout [Double]) {
        for i in 0..<dimension {
            result[i] = 2 * v[i] - (i > 0 ? v[i - 1] : 0) - (i + 1 < dimension ? v[i + 1] : 0)
        }
    }
}

/// Behaves like `inner` for `cleanApplications` products, then returns NaN.
struct PoisonedOperator: SymmetricOperator {
    var inner: PathLaplacian
    let cleanApplications: Int
    var applications = 0
    var dimension: Int { inner.dimension }
    mutating func apply(_ v: [Double], into result: inout [Double]) {
        applications += 1
        if applications > cleanApplications { result = [Double](repeating: .nan, count: dimension) } else { inner.apply(v, into: &result) }
    }
}
