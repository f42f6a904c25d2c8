import Testing
import LinearAlgebra
@testable import Dynamics

/// SDCP(A, 𝐁) (docs/THEORY.md §10): X ⪰ 0, A + 𝐁[X] ⪰ 0, ⟨X, A + 𝐁[X]⟩ = 0.
@Suite struct SemidefiniteComplementarityTests {
    /// A random symmetric A with entries N(0, 1) and a random PSD 𝐁 = LLᵀ (L [m, r] Gaussian / √m).
    static func randomProblem(size k: Int, rank: Int? = nil, generator: inout SeededGenerator) -> SemidefiniteComplementarityProblem {
        let m = k * (k + 1) / 2
        let r = rank ?? m
        var a = Matrix<Double>(rows: k, columns: k)
        for i in 0..<k {
            for j in i..<k {
                let v = generator.nextNormal()
                a[i, j] = v
                a[j, i] = v
            }
        }
        var l = Matrix<Double>(rows: m, columns: r)
        for i in 0..<m { for j in 0..<r { l[i, j] = generator.nextNormal() / Double(m).squareRoot() } }
        var b = Matrix<Double>(rows: m, columns: m)
        for i in 0..<m { for j in 0..<m { for c in 0..<r { b[i, j] += l[i, c] * l[j, c] } } }
        return SemidefiniteComplementarityProblem(a: a, operatorMatrix: b)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 8])
    func randomProblemsSatisfyTheComplementarityConditions(size k: Int) {
        var generator = SeededGenerator(seed: UInt64(100 + k), stream: .data)
        var worst = 0.0
        var nonzero = 0
        for _ in 0..<40 {
            let problem = Self.randomProblem(size: k, generator: &generator)
            let s = problem.solve()
            worst = max(worst, s.violation)
            if s.x.storage.contains(where: { $0 != 0 }) { nonzero += 1 }
            // X is symmetric.
            for i in 0..<k { for j in 0..<k { #expect(s.x[i, j] == s.x[j, i]) } }
        }
        #expect(worst <= 1e-10, "largest violation \(worst) for k = \(k)")
        #expect(nonzero > 0)
    }

    @Test func aPositiveSemidefiniteAGivesXZero() {
        let a = Matrix<Double>([[2, 0.5], [0.5, 1]])
        var b = Matrix<Double>.identity(3)
        b[0, 1] = 0.2
        b[1, 0] = 0.2
        let s = SemidefiniteComplementarityProblem(a: a, operatorMatrix: b).solve()
        #expect(s.x == Matrix(rows: 2, columns: 2))
        #expect(s.iterations == 0)
    }

    @Test func oneByOneIsMaxOfZeroAndMinusAOverB() {
        var generator = SeededGenerator(seed: 7, stream: .data)
        for _ in 0..<200 {
            let a = generator.nextNormal() * 3
            let b = generator.nextUniform(0.01, 5)
            let s = SemidefiniteComplementarityProblem(a: Matrix([[a]]), operatorMatrix: Matrix([[b]])).solve()
            let expected = max(0, -a / b)
            #expect(abs(s.x[0, 0] - expected) <= 1e-12 * max(1, expected), "a = \(a), b = \(b)")
        }
    }

    @Test func aRankDeficientOperatorStillSolvesWhenASolutionExists() {
        // 𝐁 of rank 2 on 2×2 matrices (m = 3) with A diagonal: X diagonal solves it.
        var generator = SeededGenerator(seed: 3, stream: .data)
        for _ in 0..<20 {
            let problem = Self.randomProblem(size: 3, rank: 6, generator: &generator)
            #expect(problem.solve().violation <= 1e-10)
        }
        let a = Matrix<Double>([[-1, 0], [0, -2]])
        let b = Matrix<Double>([[1, 0, 0], [0, 0, 0], [0, 0, 4]])
        let s = SemidefiniteComplementarityProblem(a: a, operatorMatrix: b).solve()
        #expect(s.violation <= 1e-10)
        #expect(abs(s.x[0, 0] - 1) <= 1e-10 && abs(s.x[1, 1] - 0.5) <= 1e-10)
    }

    @Test func svecIsAnIsometry() {
        let x = Matrix<Double>([[1, 2, 3], [2, 4, 5], [3, 5, 6]])
        let y = Matrix<Double>([[0.5, -1, 0], [-1, 2, 1], [0, 1, -3]])
        let v = SymmetricCoordinates.svec(x), w = SymmetricCoordinates.svec(y)
        var inner = 0.0
        for i in 0..<3 { for j in 0..<3 { inner += x[i, j] * y[i, j] } }
        #expect(abs(zip(v, w).map(*).reduce(0, +) - inner) < 1e-12)
        #expect(SymmetricCoordinates.smat(v, size: 3) == x)
    }
}
