import LinearAlgebra
import Testing
@testable import Datasets

@Suite struct SyntheticTests {
    private func load(_ spec: SyntheticSpec, count: Int, subset: [Int] = [], targets: TargetKind = .oneHot) throws -> Dataset {
        try Dataset(
            loading: DatasetOptions(source: .synthetic(spec), count: count, classSubset: subset, standardization: .none, targets: targets))
    }

    @Test func followsTheDocumentedGenerator() throws {
        let spec = SyntheticSpec(dimension: 5, classes: 3, seed: 11)
        let data = try load(spec, count: 7)
        // Re-derive from SyntheticSpec's documentation: means first, then μ_label + ε per example.
        var g = SeededGenerator(seed: 11, stream: .data)
        let means = (0..<3).map { _ in (0..<5).map { _ in g.nextNormal() } }
        for i in 0..<7 {
            let row = (0..<5).map { means[i % 3][$0] + g.nextNormal() }
            #expect(data.x.row(i) == row)
        }
        #expect(data.labels == [0, 1, 2, 0, 1, 2, 0])
        #expect(data.inputShape == InputShape(channels: 1, height: 1, width: 5))
        #expect(data.y.row(4) == [0, 1, 0])
    }

    @Test func deterministicPerSeedAndDifferentAcrossSeeds() throws {
        let a = try load(SyntheticSpec(dimension: 16, classes: 4, seed: 3), count: 40)
        let b = try load(SyntheticSpec(dimension: 16, classes: 4, seed: 3), count: 40)
        let c = try load(SyntheticSpec(dimension: 16, classes: 4, seed: 4), count: 40)
        #expect(a == b)
        #expect(a.x != c.x)
        let shorter = try load(SyntheticSpec(dimension: 16, classes: 4, seed: 3), count: 10)
        #expect(shorter.x.storage == Array(a.x.storage.prefix(10 * 16)))
    }

    @Test func subsetKeepsTheSameExamples() throws {
        let spec = SyntheticSpec(dimension: 6, classes: 4, seed: 1)
        let all = try load(spec, count: 12)
        let binary = try load(spec, count: 3, subset: [3, 1], targets: .plusMinusOne)
        // Labels cycle 0,1,2,3: classes 3 and 1 first appear at examples 1, 3, 5.
        #expect(binary.labels == [1, 0, 1])
        #expect(binary.y.storage == [-1, 1, -1])
        for (r, i) in [1, 3, 5].enumerated() { #expect(binary.x.row(r) == all.x.row(i)) }
    }

    @Test func wholeSetStatisticsCoverEveryGeneratedExample() throws {
        let spec = SyntheticSpec(dimension: 3, classes: 4, seed: 2)
        let raw = try load(spec, count: 6)
        let data = try Dataset(
            loading: DatasetOptions(
                source: .synthetic(spec), count: 2, classSubset: [0, 2, 1], standardizationReference: .all))
        // Kept examples 0 and 1 need examples 0 and 1 only: the "whole set" is those two.
        let (mean, std) = meanAndStd(Array(raw.x.column(1).prefix(2)))
        #expect(abs(data.x[0, 1] - (raw.x[0, 1] - mean) / std) < 1e-12)
    }

    /// `data.shape` labels the same draws: x is the unshaped x, only the shape (and with it
    /// per-channel standardization, which pools each channel's h·w features) differs.
    @Test func aShapeLabelsTheSameDraws() throws {
        let shape = InputShape(channels: 3, height: 2, width: 2)
        let flat = try load(SyntheticSpec(dimension: 12, classes: 3, seed: 5), count: 9)
        let shaped = try load(SyntheticSpec(dimension: 12, classes: 3, seed: 5, shape: shape), count: 9)
        #expect(shaped.inputShape == shape && flat.inputShape == InputShape(channels: 1, height: 1, width: 12))
        #expect(shaped.x == flat.x && shaped.y == flat.y && shaped.labels == flat.labels)
        let options = DatasetOptions(
            source: .synthetic(SyntheticSpec(dimension: 12, classes: 3, seed: 5, shape: shape)), count: 9,
            standardization: .perChannel)
        let standardized = try Dataset(loading: options)
        // Channel 1 (features 4…7) has mean 0 over its 9·4 values.
        let channel = (0..<9).flatMap { i in (4..<8).map { standardized.x[i, $0] } }
        #expect(abs(channel.reduce(0, +) / Double(channel.count)) < 1e-12)
        #expect(throws: DatasetError.invalidOption(key: "data.shape", reason: "3×2×2 has 12 features but data.dim = 10; make them agree")) {
            try load(SyntheticSpec(dimension: 10, classes: 3, seed: 5, shape: shape), count: 9)
        }
        #expect(
            DatasetSource.synthetic(SyntheticSpec(dimension: 12, classes: 3, shape: shape)).description
                == "synthetic (dim 12 as 3×2×2, 3 classes, seed 0)")
    }

    @Test func invalidSettingsAreRefused() {
        #expect(throws: DatasetError.self) { try load(SyntheticSpec(dimension: 4, classes: 3), count: 0) }
        #expect(throws: DatasetError.self) { try load(SyntheticSpec(dimension: 0, classes: 3), count: 5) }
        #expect(throws: DatasetError.self) { try load(SyntheticSpec(dimension: 4, classes: 1), count: 5) }
        #expect(throws: DatasetError.classNotPresent(classID: 5, source: "synthetic", available: "classes 0…2")) {
            try load(SyntheticSpec(dimension: 4, classes: 3), count: 5, subset: [0, 5], targets: .plusMinusOne)
        }
    }
}
