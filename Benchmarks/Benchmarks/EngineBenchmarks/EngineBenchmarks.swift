// The engine's operations on the shapes of issue #7, with allocation counts and resident
// memory from ordo-one/benchmark (MallocInterposer trait):
//   swift package --package-path Benchmarks benchmark
// Each benchmark builds its Workload in `setup` (outside the measured region), except
// "run", which measures a whole short run (data, loss, 10 GD steps with a sharpness solve) so
// that peakMemoryResidentDelta is the run's footprint above the process baseline.
import Benchmark
import LinearAlgebra
import Workloads

/// Holds the workload `setup` builds for the measured closure.
final class Slot<T: BLASScalar> {
    var workload: Workload<T>?
}

func register<T: BLASScalar>(_ shape: BenchmarkShape, _: T.Type) {
    let prefix = "\(shape.name) \(T.precisionName)"
    func add(_ name: String, iterations: Int = 10, _ body: @escaping (Workload<T>) -> Void) {
        let slot = Slot<T>()
        Benchmark("\(prefix) \(name)",
                  configuration: .init(warmupIterations: 1, maxIterations: iterations),
                  closure: { benchmark in
                      let w = slot.workload!
                      benchmark.startMeasurement()
                      body(w)
                      benchmark.stopMeasurement()
                  },
                  setup: { slot.workload = Workload<T>(shape) },
                  teardown: { slot.workload = nil })
    }
    add("gradient") { _ = $0.runGradient() }
    add("HVP (cached θ)") { $0.runHessianVectorProduct() }
    add("HVP + third derivative (cached θ)") { $0.runThirdDerivative() }
    add("eigen-solve top-1 warm", iterations: 5) { blackHole($0.runEigensolve(count: 1)) }
    add("eigen-solve top-3 warm", iterations: 5) { blackHole($0.runEigensolve(count: 3)) }
    add("10 GD steps") { $0.runGradientSteps(10) }
    add("10 GD steps, sharpness at the first", iterations: 5) { blackHole($0.runTenStepsWithSharpness()) }
    Benchmark("\(prefix) run: data, loss, 10 GD steps with sharpness",
              configuration: .init(warmupIterations: 0, maxIterations: 2)) { _ in
        let w = Workload<T>(shape)
        blackHole(w.runTenStepsWithSharpness())
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .mallocBytesCount, .peakMemoryResidentDelta],
        timeUnits: .milliseconds, maxDuration: .seconds(10))
    // What the harness itself allocates per iteration (metric sampling): subtract it from the rest.
    Benchmark("baseline: empty measured region", configuration: .init(maxIterations: 10)) { benchmark in
        benchmark.startMeasurement()
        benchmark.stopMeasurement()
    }
    for shape in BenchmarkShape.all {
        register(shape, Float.self)
        register(shape, Double.self)
    }
}
