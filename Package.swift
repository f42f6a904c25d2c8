// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "EdgeOfStability",
    products: [
        .executable(name: "eos", targets: ["eos"]),
        // The numerical core as a library, for the separate Benchmarks/ package.
        .library(name: "EdgeOfStabilityEngine", targets: ["LinearAlgebra", "NeuralNetwork", "Curvature", "Dynamics", "BLASRuntime"]),
        // The sweep's worker state machine, protocol, transport and journal, for the load harness
        // of the separate Benchmarks/ package (Benchmarks/Sources/sweep-load).
        .library(name: "EdgeOfStabilitySweep", targets: ["SweepWorker", "SweepProtocol", "ZeroMQTransport", "SweepJournal"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // Engine: LinearAlgebra → Curvature (eigen-solvers on an Objective) → Dynamics; NeuralNetwork
        // (the MLP, an Objective) → Curvature; Datasets reads files.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "CVectorMath"),
        .target(
            name: "LinearAlgebra",
            dependencies: [
                "CBLAS", "CVectorMath", .product(name: "RealModule", package: "swift-numerics"),
            ]),
        .target(name: "Curvature", dependencies: ["LinearAlgebra"]),
        .target(
            name: "NeuralNetwork",
            dependencies: [
                "LinearAlgebra", "Curvature", .product(name: "RealModule", package: "swift-numerics"),
            ]),
        .target(name: "Dynamics", dependencies: ["LinearAlgebra", "Curvature"]),
        .target(
            name: "Datasets", dependencies: ["LinearAlgebra", "CZlib"],
            resources: [.copy("Resources/digits.csv.gz"), .copy("Resources/DIGITS-LICENSE.md")]),
        // Process runtime: OpenBLAS kernel selection (restarts the process), for the CLI only.
        .target(name: "BLASRuntime", dependencies: ["CBLAS"]),
        // Bridge
        .target(name: "Configuration", dependencies: [.product(name: "TOMLKit", package: "TOMLKit")]),
        // A run's record (summary.json): written by Experiment, read by the sweep side.
        .target(name: "RunRecord", dependencies: ["Configuration"]),
        .target(
            name: "Experiment",
            dependencies: [
                "LinearAlgebra", "NeuralNetwork", "Curvature", "Dynamics", "Datasets", "Configuration", "RunRecord",
            ]),
        // Sweep
        .systemLibrary(name: "CZeroMQ", path: "Sources/CZeroMQ"),
        .target(name: "ZeroMQTransport", dependencies: ["CZeroMQ"]),
        .target(name: "SweepProtocol", dependencies: ["Configuration"]),
        .target(name: "SweepJournal", dependencies: ["Configuration", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(
            name: "SweepCoordinator",
            dependencies: [
                "SweepProtocol", "SweepJournal", "ZeroMQTransport", "Configuration", "RunRecord",
            ]),
        .target(
            name: "SweepWorker",
            dependencies: [
                "SweepProtocol", "ZeroMQTransport", "Experiment", "Configuration", "RunRecord",
            ]),
        .target(name: "SweepReports", dependencies: ["SweepJournal", "Configuration", "RunRecord"]),
        // CLI
        .executableTarget(
            name: "eos",
            dependencies: [
                "Experiment", "Configuration", "RunRecord", "SweepCoordinator", "SweepWorker", "SweepJournal", "SweepReports",
                "LinearAlgebra", "BLASRuntime", "ZeroMQTransport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Tests
        // Child processes for the tests: their end asked of the kernel, their output in files.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
        .testTarget(name: "BLASRuntimeTests", dependencies: ["BLASRuntime"]),
        .testTarget(name: "NeuralNetworkTests", dependencies: ["NeuralNetwork", "LinearAlgebra"]),
        .testTarget(name: "CurvatureTests", dependencies: ["Curvature", "LinearAlgebra"]),
        .testTarget(name: "DynamicsTests", dependencies: ["Dynamics", "Curvature", "NeuralNetwork", "LinearAlgebra"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "LinearAlgebra", "CZlib"]),
        .testTarget(name: "ConfigurationTests", dependencies: ["Configuration", "LinearAlgebra"]),
        .testTarget(name: "RunRecordTests", dependencies: ["RunRecord", "Configuration"]),
        .testTarget(
            name: "ExperimentTests",
            dependencies: [
                "Experiment", "Configuration", "RunRecord", "Dynamics", "LinearAlgebra", "Datasets", "NeuralNetwork",
                "TestSupport",
            ]),
        // The engine against PyTorch (Tests/oracle/, a venv from scripts/torch-venv via EOS_TORCH_PYTHON).
        .testTarget(
            name: "OracleTests", dependencies: ["NeuralNetwork", "LinearAlgebra", "Experiment", "Configuration", "TestSupport"]),
        .testTarget(name: "ZeroMQTransportTests", dependencies: ["ZeroMQTransport"]),
        .testTarget(name: "SweepProtocolTests", dependencies: ["SweepProtocol", "Configuration", "LinearAlgebra"]),
        .testTarget(name: "SweepJournalTests", dependencies: ["SweepJournal", "Configuration", "TestSupport"]),
        .testTarget(
            name: "SweepCoordinatorTests",
            dependencies: [
                "SweepCoordinator", "SweepProtocol", "SweepJournal", "ZeroMQTransport", "Configuration",
            ]),
        .testTarget(
            name: "SweepWorkerTests",
            dependencies: ["SweepWorker", "SweepProtocol", "ZeroMQTransport", "SweepCoordinator", "SweepJournal"]),
        .testTarget(
            name: "SweepReportsTests", dependencies: ["SweepReports", "SweepJournal", "TestSupport"], exclude: ["Golden"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["Configuration", "SweepJournal", "SweepProtocol", "ZeroMQTransport", "TestSupport"],
            exclude: ["HelpSnapshots"]),
    ],
    swiftLanguageModes: [.v6]
)
