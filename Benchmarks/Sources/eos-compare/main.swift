// Prints one JSON object per line for every (shape, precision, operation): our median wall-clock
// seconds, the GEMM FLOPs, the measured GEMM rate and the GEMM list (so compare/frameworks.py can
// time the same products with PyTorch's BLAS). Run from compare/run.sh, release build only.
import Foundation
import Glibc
import BLASRuntime
import LinearAlgebra
import Workloads

func json(_ fields: [(String, String)]) -> String {
    "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
}

func gemmList(_ calls: [BenchmarkShape.GEMM]) -> String {
    "[" + calls.map { "[\($0.m), \($0.n), \($0.k), \($0.transposeA), \($0.transposeB)]" }.joined(separator: ", ") + "]"
}

func report<T: BLASScalar>(_ shape: BenchmarkShape, _: T.Type, quick: Bool) {
    let w = Workload<T>(shape)
    let maximum = shape.sizes.map { $0 * Swift.max(shape.examples, shape.sizes.max()!) }.max()!
    let timing = GEMMTiming<T>(capacity: maximum)
    // The rate: the largest GEMM of the gradient (layer 0's forward product) alone.
    let big = shape.gemms(.gradient)[0]
    let rate = big.flops / median(measure(minimumRepetitions: 5, minimumSeconds: quick ? 0.2 : 1) { timing.run([big]) })
    let seconds = quick ? 0.3 : 2.0
    func emit(_ op: String, _ samples: [Double], flops: Double, gemms: [BenchmarkShape.GEMM], extra: [(String, String)] = []) {
        let gemmTime = gemms.isEmpty ? 0 : median(measure(minimumRepetitions: 3, minimumSeconds: seconds / 4) { timing.run(gemms) })
        print(
            json(
                [
                    ("shape", "\"\(shape.name)\""), ("precision", "\"\(T.precisionName)\""), ("op", "\"\(op)\""),
                    ("seconds", "\(median(samples))"), ("min_seconds", "\(samples.min()!)"), ("repetitions", "\(samples.count)"),
                    ("gemm_flops", "\(flops)"), ("gemm_rate", "\(rate)"), ("floor_seconds", "\(flops / rate)"),
                    ("gemm_only_seconds", "\(gemmTime)"), ("gemms", gemmList(gemms)),
                ] + extra))
    }
    let grad = shape.gemms(.gradient), before = shape.gemms(.forwardAndDeltas), hvp = shape.gemms(.hessianVectorProduct),
        third = shape.gemms(.thirdDerivative)
    // Each product of the gradient alone, for the per-product comparison with torch.mm.
    let each = grad.map { g in median(measure(minimumRepetitions: 5, minimumSeconds: seconds / 10) { timing.run([g]) }) }
    emit(
        "gradient", measure(minimumSeconds: seconds) { _ = w.runGradient() }, flops: shape.gemmFLOPs(.gradient), gemms: grad,
        extra: [("gemm_each_seconds", "[" + each.map { "\($0)" }.joined(separator: ", ") + "]")])
    emit(
        "hvp", measure(minimumSeconds: seconds) { w.runHessianVectorProduct() },
        flops: shape.gemmFLOPs(.hessianVectorProduct), gemms: hvp)
    emit(
        "hvp_fresh", measure(minimumSeconds: seconds) { w.runFreshHessianVectorProduct() },
        flops: shape.gemmFLOPs(.forwardAndDeltas) + shape.gemmFLOPs(.hessianVectorProduct), gemms: before + hvp)
    emit(
        "third", measure(minimumSeconds: seconds) { w.runThirdDerivative() },
        flops: shape.gemmFLOPs(.thirdDerivative), gemms: third)
    emit(
        "third_fresh", measure(minimumSeconds: seconds) { w.runFreshThirdDerivative() },
        flops: shape.gemmFLOPs(.forwardAndDeltas) + shape.gemmFLOPs(.thirdDerivative), gemms: before + third)
    for k in [1, 3] {
        var pairs = w.runEigensolve(count: k)
        let samples = measure(minimumSeconds: seconds) { pairs = w.runEigensolve(count: k) }
        let apps = pairs.operatorApplications
        emit(
            "eigen_top\(k)", samples, flops: Double(apps) * shape.gemmFLOPs(.hessianVectorProduct),
            gemms: [],
            extra: [
                ("applications", "\(apps)"), ("tolerance", "\(Double(pairs.tolerance))"),
                ("eigenvalues", "[" + pairs.eigenvalues.map { "\(Double($0))" }.joined(separator: ", ") + "]"),
            ])
    }
    // Per GD step, the sharpness (top-1, warm) measured every 10 steps.
    let steps = measure(minimumRepetitions: 2, minimumSeconds: seconds) {
        _ = w.runTenStepsWithSharpness()
    }.map { $0 / 10 }
    let solveApps = w.lastSolveApplications
    emit(
        "gd_step_sharpness_every_10", steps,
        flops: shape.gemmFLOPs(.gradient) + Double(solveApps) * shape.gemmFLOPs(.hessianVectorProduct) / 10,
        gemms: [], extra: [("applications_per_solve", "\(solveApps)"), ("learning_rate", "\(Double(w.learningRate))")])
}

/// `--gemm-rate`: only the measured GEMM rate of each shape's largest product, in GFLOP/s.
func reportRate<T: BLASScalar>(_ shape: BenchmarkShape, _: T.Type) {
    let big = shape.gemms(.gradient)[0]
    let timing = GEMMTiming<T>(capacity: Swift.max(big.m * big.k, big.k * big.n, big.m * big.n))
    let seconds = median(measure(minimumRepetitions: 5, minimumSeconds: 0.5) { timing.run([big]) })
    print("\(shape.name) \(T.precisionName) [\(big.m), \(big.n), \(big.k)]: \(big.flops / seconds / 1e9) GFLOP/s")
}

// The kernels `eos` runs: OpenBLAS's Prescott fallback replaced where the CPU has faster ones.
if let error = BLASKernel.policyError {
    FileHandle.standardError.write(Data("eos-compare: \(error)\n".utf8))
    exit(1)
}
BLASKernel.selectFastKernel()
FileHandle.standardError.write(Data("eos-compare: OpenBLAS kernels \(BLASKernel.coreName)\n".utf8))
let arguments = CommandLine.arguments.dropFirst()
if arguments.contains("--gemm-rate") {
    for shape in BenchmarkShape.all {
        reportRate(shape, Float.self)
        reportRate(shape, Double.self)
    }
    exit(0)
}
let quick = arguments.contains("--quick")
let shapes = BenchmarkShape.all.filter { s in !arguments.contains("--only-b") || s.name.hasPrefix("b") }
let defaultThreads = BLASThreads.current
for shape in shapes {
    // The thread count `eos run` picks for this shape (one thread for the digits MLP).
    let largest = shape.gemms(.gradient).map(\.flops).max()!
    BLASThreads.set(BLASThreads.suggested(largestProductFLOPs: largest) ?? defaultThreads)
    FileHandle.standardError.write(Data("eos-compare: \(shape.name): \(BLASThreads.current) BLAS threads\n".utf8))
    report(shape, Float.self, quick: quick)
    report(shape, Double.self, quick: quick)
}
