// swift-tools-version:6.1
// Engine benchmarks, a package of their own so that the main package and CI never build them:
//   swift package --package-path Benchmarks benchmark           (ordo-one/benchmark suite)
//   bash Benchmarks/compare/run.sh                              (ratios against PyTorch and JAX)
//   swift run -c release --package-path Benchmarks sweep-load   (the sweep system at cluster scale)
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
        // N simulated workers (the real WorkerStateMachine over real ZeroMQ sockets) against a
        // real `eos coordinator`: throughput, coordinator CPU, RESULT→ACK latency, fsyncs/s.
        .executableTarget(
            name: "sweep-load", dependencies: ["CEpoll", .product(name: "EdgeOfStabilitySweep", package: "EdgeOfStability")]),
        .systemLibrary(name: "CEpoll", path: "Sources/CEpoll"),
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: ["Workloads", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/EngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
