// swift-tools-version:6.1
// Engine benchmarks, a package of their own so that the main package and CI never build them:
//   swift package --package-path Benchmarks benchmark           (ordo-one/benchmark suite)
//   bash Benchmarks/compare/run.sh                              (ratios against PyTorch and JAX)
import PackageDescription

let package = Package(
    name: "EdgeOfStabilityBenchmarks",
    dependencies: [
        .package(name: "EdgeOfStability", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The shapes, synthetic data, operations and FLOP counts both drivers measure.
        .target(name: "Workloads", dependencies: [.product(name: "EdgeOfStabilityEngine", package: "EdgeOfStability")]),
        // Median wall-clock times as JSON lines, read by compare/run.sh.
        .executableTarget(name: "eos-compare", dependencies: ["Workloads"]),
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: ["Workloads", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/EngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
