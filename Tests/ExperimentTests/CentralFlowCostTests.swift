import Foundation
import Testing
import Configuration
import Curvature
import Datasets
import Dynamics
import LinearAlgebra
import NeuralNetwork
@testable import Experiment

/// Times the parts of one central-flow step on the digits MLP at the edge of stability
/// (docs/THEORY.md §10, the cost figures of docs/BENCHMARKS.md): gradients, the warm eigen-solves'
/// Hessian-vector products, the ∇³L products and the rest (SDCP, vector work), through an
/// objective that forwards to the network's loss and clocks every call. A measurement, not a
/// check: it runs only with EOS_MEASURE_CENTRAL=1 and prints its figures.
@Suite struct CentralFlowCostTests {
    final class Timed<Inner: Objective>: Objective where Inner.Scalar == Double {
        let inner: Inner
        var seconds: [String: Double] = [:]
        var calls: [String: Int] = [:]
        init(_ inner: Inner) { self.inner = inner }
        func clocked<R>(_ name: String, _ body: () -> R) -> R {
            let start = DispatchTime.now().uptimeNanoseconds
            defer {
                seconds[name, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                calls[name, default: 0] += 1
            }
            return body()
        }
        var dimension: Int { inner.dimension }
        func loss(at t: [Double]) -> Double { clocked("loss") { inner.loss(at: t) } }
        func lossAndGradient(at t: [Double]) -> (loss: Double, gradient: [Double]) {
            clocked("gradient") { inner.lossAndGradient(at: t) }
        }
        func hessianVectorProduct(at t: [Double], _ v: [Double]) -> [Double] {
            clocked("hvp") { inner.hessianVectorProduct(at: t, v) }
        }
        func hessianVectorProduct(at t: [Double], _ v: [Double], into r: inout [Double]) {
            let start = DispatchTime.now().uptimeNanoseconds
            inner.hessianVectorProduct(at: t, v, into: &r)
            seconds["hvp", default: 0] += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            calls["hvp", default: 0] += 1
        }
        func thirdDerivative(at t: [Double], _ u: [Double]) -> [Double] { clocked("third") { inner.thirdDerivative(at: t, u) } }
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["EOS_MEASURE_CENTRAL"] == "1"), arguments: [(300, 32), (1000, 64)])
    func oneCentralFlowStepOnDigits(n: Int, width: Int) throws {
        var c = RunConfiguration()
        c.data.n = n
        c.model.width = width
        c.train.lr = 0.5
        let dataset = try Dataset(loading: c.datasetOptions(dataRoot: nil, confine: false))
        let network = try c.network(for: dataset)
        let loss: FullBatchLoss<Double> = c.objective(network, for: dataset)
        var theta: [Double] = network.initialParameters(c.initialization, seed: 0)
        for _ in 0..<1100 { axpy(-0.5, loss.lossAndGradient(at: theta).gradient, &theta) }
        let timed = Timed(loss)
        let flow = CentralFlow(objective: timed, settings: CentralFlowSettings(learningRate: 0.5, tolerance: 1e-6))
        var state = CentralFlowState(w: theta, count: 4)
        for _ in 0..<5 { _ = flow.advance(&state) }  // warm up the eigenvectors and k
        timed.seconds = [:]
        timed.calls = [:]
        let steps = 20
        let start = DispatchTime.now().uptimeNanoseconds
        var critical = 0
        for _ in 0..<steps { critical = flow.advance(&state).point.criticalCount }
        let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(steps)
        var line = "central flow step, digits n=\(n) width \(width) (N = \(network.parameterCount)), k = \(state.count), "
        line += "critical \(critical): \(String(format: "%.1f", total * 1000)) ms per step;"
        var parts = 0.0
        for name in ["gradient", "hvp", "third", "loss"] where timed.calls[name] != nil {
            let s = timed.seconds[name]! / Double(steps)
            parts += s
            line += String(
                format: " %@ %.1f ms (%.1f calls, %.3f ms each);", name, s * 1000, Double(timed.calls[name]!) / Double(steps),
                timed.seconds[name]! / Double(timed.calls[name]!) * 1000)
        }
        line += String(format: " rest (SDCP, Lanczos orthogonalization, vectors) %.1f ms", (total - parts) * 1000)
        print(line)
    }
}
