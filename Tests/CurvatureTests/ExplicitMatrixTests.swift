import Testing
import LinearAlgebra
import Curvature

@Suite struct ExplicitMatrixTests {
    @Test func denseOperatorGivesBackItsMatrix() {
        let a = Matrix<Double>([[1, 2, 3], [2, 5, -1], [3, -1, 0]])
        #expect(explicitMatrix(of: DenseSymmetricOperator(a)) == a)
    }

    @Test func matrixFreeOperatorGivesItsStencil() {
        let m = explicitMatrix(of: PathLaplacian(dimension: 4))
        #expect(m == Matrix([[2, -1, 0, 0], [-1, 2, -1, 0], [0, -1, 2, -1], [0, 0, -1, 2]]))
    }
}
