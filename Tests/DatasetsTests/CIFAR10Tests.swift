import Foundation
import Testing
@testable import Datasets

/// A CIFAR-10 record: the label byte, then red, green and blue 32×32 planes.
private func record(label: UInt8, red: UInt8, green: UInt8, blue: UInt8, marker: UInt8? = nil) -> [UInt8] {
    var planes = [UInt8](repeating: red, count: 1024) + [UInt8](repeating: green, count: 1024) + [UInt8](repeating: blue, count: 1024)
    if let marker { planes[1024 + 32 + 2] = marker }  // green plane, row 1, column 2
    return [label] + planes
}

/// data_batch_1.bin … data_batch_5.bin; batch 1 holds A and B, batches 2…5 one record C each.
/// A: label 0, planes (R, G, B) = (0, 51, 255); B: label 1, (255, 51, 0); C: label 2, (255, 51, 255).
private func writeBatches(in folder: TemporaryFolder) throws {
    try folder.write(
        record(label: 0, red: 0, green: 51, blue: 255, marker: 200) + record(label: 1, red: 255, green: 51, blue: 0), to: "data_batch_1.bin"
    )
    for b in 2...5 { try folder.write(record(label: 2, red: 255, green: 51, blue: 255), to: "data_batch_\(b).bin") }
}

@Suite struct CIFAR10Tests {
    @Test func recordsLoadInBatchOrderWithChannelMajorPixels() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try writeBatches(in: folder)
        let data = try Dataset(loading: DatasetOptions(source: .cifar10(folder: folder.path), count: 0, standardization: .none))
        #expect(data.count == 6)
        #expect(data.labels == [0, 1, 2, 2, 2, 2])
        #expect(data.inputShape == InputShape(channels: 3, height: 32, width: 32))
        #expect(data.classNames == ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"])
        #expect(data.x[0, 0] == 0)
        #expect(data.x[0, 1024] == 51.0 / 255)
        #expect(data.x[0, 1024 + 33] == 51.0 / 255)
        #expect(data.x[0, 1024 + 34] == 200.0 / 255)
        #expect(data.x[0, 3071] == 1)
        #expect(data.x[1, 0] == 1 && data.x[1, 2048] == 0)
        #expect(data.y.columns == 10)
        #expect(data.y.row(1) == [0, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func perChannelStatisticsFromSubsetAndFromWholeTrainingSet() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try writeBatches(in: folder)
        let source = DatasetSource.cifar10(folder: folder.path)
        // Subset = A, B: red {0, 255} → ∓1, blue {255, 0} → ±1; green is 51 but for A's marker.
        let subset = try Dataset(loading: DatasetOptions(source: source, count: 2, standardization: .perChannel))
        #expect(abs(subset.x[0, 5] + 1) < 1e-12 && abs(subset.x[1, 5] - 1) < 1e-12)
        #expect(abs(subset.x[0, 2048 + 5] - 1) < 1e-12)
        let (subsetMean, subsetStd) = meanAndStd([Double](repeating: 51, count: 2 * 1024 - 1) + [200])
        #expect(abs(subset.x[1, 1024 + 5] - (51 - subsetMean) / subsetStd) < 1e-9)
        // Per pixel, green pixel 5 is 51 in A and B: constant, so only centred.
        let perPixel = try Dataset(loading: DatasetOptions(source: source, count: 2, standardization: .perPixel))
        #expect(perPixel.x[0, 1024 + 5] == 0 && perPixel.x[1, 1024 + 5] == 0)
        #expect(abs(perPixel.x[0, 1024 + 34] - 1) < 1e-12)
        // Whole set: red is 0 once and 255 five times → mean 255·5/6, std 255·√5/6, so A's red is −√5.
        let all = try Dataset(
            loading: DatasetOptions(source: source, count: 2, standardization: .perChannel, standardizationReference: .all))
        #expect(all.count == 2)
        #expect(abs(all.x[0, 0] + 5.0.squareRoot()) < 1e-12)
        #expect(abs(all.x[1, 0] - 1 / 5.0.squareRoot()) < 1e-12)
        // The marker pixel of A's green plane makes green non-constant over the whole set: mean
        // (51·6143 + 200)/6144 per value; checked against a direct computation.
        let (mean, std) = meanAndStd([Double](repeating: 51, count: 6 * 1024 - 1) + [200])
        #expect(abs(all.x[0, 1024 + 34] - (200 - mean) / std) < 1e-9)
    }

    @Test func classSubsetOfThreeKeepsListedOrder() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try writeBatches(in: folder)
        let data = try Dataset(
            loading: DatasetOptions(source: .cifar10(folder: folder.path), count: 4, classSubset: [2, 0, 1], standardization: .none))
        #expect(data.labels == [1, 2, 0, 0])
        #expect(data.classIDs == [2, 0, 1])
        #expect(data.classNames == ["bird", "airplane", "automobile"])
        #expect(data.y.columns == 3)
        #expect(data.y.row(0) == [0, 1, 0] && data.y.row(2) == [1, 0, 0])
    }

    @Test func missingTruncatedAndBadBatchesAreNamed() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try writeBatches(in: folder)
        try FileManager.default.removeItem(atPath: folder.file("data_batch_5.bin"))
        let source = DatasetSource.cifar10(folder: folder.path)
        #expect(
            throws: DatasetError.missingFile(
                path: folder.file("data_batch_5.bin"),
                expected: "data_batch_1.bin … data_batch_5.bin from cifar-10-batches-bin (the CIFAR-10 binary version)")
        ) {
            try Dataset(loading: DatasetOptions(source: source, count: 0))
        }
        try folder.write(record(label: 3, red: 1, green: 2, blue: 3) + [7, 7, 7], to: "data_batch_5.bin")
        do {
            _ = try Dataset(loading: DatasetOptions(source: source, count: 0))
            Issue.record("a truncated batch was accepted")
        } catch {
            guard case .truncatedFile(let path, _, let actual) = error else { Issue.record("unexpected \(error)"); return }
            #expect(path == folder.file("data_batch_5.bin") && actual == 3076)
            #expect(error.description.contains("3076") && error.description.contains("3073"))
        }
        try folder.write(record(label: 10, red: 1, green: 2, blue: 3), to: "data_batch_5.bin")
        do {
            _ = try Dataset(loading: DatasetOptions(source: source, count: 0))
            Issue.record("label byte 10 was accepted")
        } catch {
            guard case .badFormat = error else { Issue.record("unexpected \(error)"); return }
            #expect(error.description.contains("label byte 10"))
        }
    }

    @Test func countLargerThanAvailableSaysHowMany() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try writeBatches(in: folder)
        let source = DatasetSource.cifar10(folder: folder.path)
        #expect(throws: DatasetError.notEnoughExamples(requested: 7, available: 6, source: "cifar10")) {
            try Dataset(loading: DatasetOptions(source: source, count: 7))
        }
        #expect(throws: DatasetError.notEnoughExamples(requested: 6, available: 5, source: "cifar10")) {
            try Dataset(loading: DatasetOptions(source: source, count: 6, classSubset: [2, 1], targets: .plusMinusOne))
        }
        #expect(
            throws: DatasetError.classNotPresent(classID: 7, source: "cifar10", available: "no example of it among its 6 training examples")
        ) {
            try Dataset(loading: DatasetOptions(source: source, count: 1, classSubset: [2, 7], targets: .plusMinusOne))
        }
    }
}
