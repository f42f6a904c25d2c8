// Prints one JSON object per line for every (shape, precision, operation): our median wall-clock
// seconds, the GEMM FLOPs, the measured GEMM rate and the GEMM list (so compare/frameworks.py can
// time the same products with PyTorch's BLAS). Run from compare/run.sh, release build only.
//   eos-compare [--quick] [--only-b | --only-c | --only-d | --mlp]
//                                                        shapes (a), (b) in Float32 and Float64, (c), (d) in Float32
//   eos-compare … --threads N                            N BLAS threads instead of the count `eos run` picks
//   eos-compare --memory --only-c                          peak resident memory against its budget (one shape per process)
//   eos-compare … --op gradient                          one operation only (for profiling)
//   eos-compare --gemm-rate
import Foundation
import Glibc
import BLASRuntime
import Curvature
import LinearAlgebra
import Workloads

func json(_ fields: [(String, String)]) -> String {
    "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
}

func gemmList(_ calls: [BenchmarkShape.GEMM]) -> String {
    "[" + calls.map { "[\($0.m), \($0.n), \($0.k), \($0.transposeA), \($0.transposeB)]" }.joined(separator: ", ") + "]"
}

/// The fields every row of `shape` carries besides its times: the network, for frameworks.py.
func describe(_ shape: BenchmarkShape) -> [(String, String)] {
    var fields: [(String, String)] = [
        ("input", "[\(shape.input.channels), \(shape.input.height), \(shape.input.width)]"), ("classes", "\(shape.classes)"),
        ("examples", "\(shape.examples)"),
    ]
    switch shape.architecture {
    case .mlp(let depth, let width): fields += [("arch", "\"mlp\""), ("depth", "\(depth)"), ("width", "\(width)")]
    case .cnn(let depth, let width, let pool, _):
        fields += [("arch", "\"cnn\""), ("depth", "\(depth)"), ("width", "\(width)"), ("pool", "\"\(pool.rawValue)\"")]
    case .transformer(let depth, let width, let heads, let vocabulary, let length):
        fields += [
            ("arch", "\"transformer\""), ("depth", "\(depth)"), ("width", "\(width)"), ("heads", "\(heads)"),
            ("vocab", "\(vocabulary)"), ("length", "\(length)"), ("loss", "\"\(shape.loss.rawValue)\""),
        ]
    default: preconditionFailure("eos-compare: \(shape.name) is not compared")
    }
    return fields
}

func report<T: BLASScalar>(_ shape: BenchmarkShape, _: T.Type, quick: Bool) {
    let isMLP = shape.sizes != nil
    // The CNN's and the transformer's GD loop needs only the top eigenvector at θ₀, and their
    // eigen-solve rows are left out (the CNN's Hessian-vector products take seconds each).
    let w = Workload<T>(shape, warmStartCount: isMLP ? 3 : 1)
    let timing = GEMMTiming<T>(capacity: shape.largestGEMMOperand)
    // The rate: one large GEMM of the gradient alone (`BenchmarkShape.rateGEMM`).
    let big = shape.rateGEMM
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
                ] + describe(shape) + extra))
    }
    let grad = shape.gemms(.gradient), before = shape.gemms(.forwardAndDeltas), hvp = shape.gemms(.hessianVectorProduct),
        third = shape.gemms(.thirdDerivative)
    // Each product of the gradient alone, for the per-product comparison with torch.mm (an MLP's
    // few; a CNN issues hundreds of chunk products).
    if wanted("gradient") {
        let each = isMLP ? grad.map { g in median(measure(minimumRepetitions: 5, minimumSeconds: seconds / 10) { timing.run([g]) }) } : []
        emit(
            "gradient", measure(minimumSeconds: seconds) { _ = w.runGradient() }, flops: shape.gemmFLOPs(.gradient), gemms: grad,
            extra: isMLP ? [("gemm_each_seconds", "[" + each.map { "\($0)" }.joined(separator: ", ") + "]")] : [])
    }
    if wanted("hvp") {
        emit(
            "hvp", measure(minimumSeconds: seconds) { w.runHessianVectorProduct() },
            flops: shape.gemmFLOPs(.hessianVectorProduct), gemms: hvp)
    }
    if wanted("hvp_fresh") {
        emit(
            "hvp_fresh", measure(minimumSeconds: seconds) { w.runFreshHessianVectorProduct() },
            flops: shape.gemmFLOPs(.forwardAndDeltas) + shape.gemmFLOPs(.hessianVectorProduct), gemms: before + hvp)
    }
    if wanted("third") {
        emit(
            "third", measure(minimumSeconds: seconds) { w.runThirdDerivative() },
            flops: shape.gemmFLOPs(.thirdDerivative), gemms: third)
    }
    if wanted("third_fresh") {
        emit(
            "third_fresh", measure(minimumSeconds: seconds) { w.runFreshThirdDerivative() },
            flops: shape.gemmFLOPs(.forwardAndDeltas) + shape.gemmFLOPs(.thirdDerivative), gemms: before + third)
    }
    for k in isMLP ? [1, 3] : [] where wanted("eigen_top\(k)") {
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
    guard wanted("gd_step_sharpness_every_10") else { return }
    let steps = measure(minimumRepetitions: 2, minimumSeconds: seconds) {
        _ = w.runTenStepsWithSharpness()
    }.map { $0 / 10 }
    let solveApps = w.lastSolveApplications
    emit(
        "gd_step_sharpness_every_10", steps,
        flops: shape.gemmFLOPs(.gradient) + Double(solveApps) * shape.gemmFLOPs(.hessianVectorProduct) / 10,
        gemms: [],
        extra: [
            ("applications_per_solve", "\(solveApps)"), ("learning_rate", "\(Double(w.learningRate))"),
            ("tolerance", "\(Double(Swift.max(w.solver(count: 1).tolerance, BlockLanczos<T>.toleranceFloor(dimension: w.theta.count))))"),
        ])
}

/// `--memory`: the resident peak (VmHWM) after building the workload (data, loss, a cold top-k
/// solve at θ₀), then after a gradient, a Hessian-vector product and ten GD steps with a warm
/// sharpness solve (what `eos run` does without ∇³L), then after one ∇³L[u, u] (whose order-2
/// buffers come on first use), against the budget of docs/BENCHMARKS.md: parameters + data +
/// forward activations + the Lanczos basis (m vectors of N).
func reportMemory<T: BLASScalar>(_ shape: BenchmarkShape, _: T.Type) {
    let size = Double(MemoryLayout<T>.size)
    let w = Workload<T>(shape, warmStartCount: shape.sizes != nil ? 3 : 1)
    let built = peakResidentBytes()
    _ = w.runGradient()
    w.runFreshHessianVectorProduct()
    _ = w.runTenStepsWithSharpness()
    let gradientDescent = peakResidentBytes()
    w.runFreshThirdDerivative()
    let third = peakResidentBytes()
    let n = Double(shape.examples), parameters = Double(w.theta.count)
    let budget: [(String, Double)] = [
        ("parameters", parameters * size), ("data", n * Double(shape.input.count + shape.classes) * size),
        ("activations", n * Double(shape.forwardActivationsPerExample) * size),
        ("basis", Double(w.solver(count: 1).maxBasisSize) * parameters * size),
    ]
    let engine = shape.network.lossScalarsPerExample(secondOrder: false) * n * size + shape.network.scratchScalars * size
    let engineSecond = shape.network.lossScalarsPerExample(secondOrder: true) * n * size + shape.network.scratchScalars * size
    print(
        json(
            [
                ("shape", "\"\(shape.name)\""), ("precision", "\"\(T.precisionName)\""), ("memory", "true"),
                ("peak_after_setup", "\(built)"), ("peak_after_gd_with_sharpness", "\(gradientDescent)"),
                ("peak_after_third", "\(third)"), ("budget_total", "\(budget.map(\.1).reduce(0, +))"),
                ("loss_buffers", "\(engine)"), ("loss_buffers_with_third", "\(engineSecond)"),
            ] + budget.map { ("budget_\($0.0)", "\($0.1)") }))
}

/// VmHWM of /proc/self/status in bytes: the process's resident peak so far.
func peakResidentBytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kilobytes = Double(line.split(whereSeparator: \.isWhitespace).dropFirst().first ?? "")
    else { return .nan }
    return kilobytes * 1024
}

/// `--gemm-rate`: only the measured GEMM rate of each shape's largest product, in GFLOP/s.
func reportRate<T: BLASScalar>(_ shape: BenchmarkShape, _: T.Type) {
    let big = shape.rateGEMM
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
    for shape in BenchmarkShape.compared {
        reportRate(shape, Float.self)
        reportRate(shape, Double.self)
    }
    exit(0)
}
let quick = arguments.contains("--quick")
/// `--op NAME`: only that operation (for profiling one of them).
let onlyOperation = arguments.firstIndex(of: "--op").flatMap { i in
    arguments.index(after: i) < arguments.endIndex ? arguments[arguments.index(after: i)] : nil
}
func wanted(_ op: String) -> Bool { onlyOperation == nil || onlyOperation == op }
let shapes = BenchmarkShape.compared.filter { s in
    if arguments.contains("--only-b") { return s.name.hasPrefix("b") }
    if arguments.contains("--only-c") { return s.name.hasPrefix("c") }
    if arguments.contains("--only-d") { return s.name.hasPrefix("d") }
    if arguments.contains("--mlp") { return s.sizes != nil }
    return true
}
let defaultThreads = BLASThreads.current
/// `--threads N`: that many BLAS threads for every shape.
let threadOverride = arguments.firstIndex(of: "--threads").flatMap { i in
    arguments.index(after: i) < arguments.endIndex ? Int(arguments[arguments.index(after: i)]) : nil
}
for shape in shapes {
    // The thread count `eos run` picks for this shape (one thread for the digits MLP).
    BLASThreads.set(
        threadOverride
            ?? BLASThreads.suggested(largestProductFLOPs: shape.network.largestProductFLOPs(examples: shape.examples))
            ?? defaultThreads)
    FileHandle.standardError.write(Data("eos-compare: \(shape.name): \(BLASThreads.current) BLAS threads\n".utf8))
    if arguments.contains("--memory") {
        reportMemory(shape, Float.self)
        continue
    }
    report(shape, Float.self, quick: quick)
    // The CNN and the transformer in Float32 only (the issues' shapes (c) and (d)).
    if shape.sizes != nil { report(shape, Double.self, quick: quick) }
}
