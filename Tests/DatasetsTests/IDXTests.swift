import Foundation
import Testing
@testable import Datasets

/// Three 2×3 images with pixels 10·i + j (i = image, j = row-major position) and labels 7, 0, 7.
private let imageFile =
    bigEndian(2051) + bigEndian(3) + bigEndian(2) + bigEndian(3) + (0..<3).flatMap { i in (0..<6).map { UInt8(10 * i + $0) } }
private let labelFile = bigEndian(2049) + bigEndian(3) + [7, 0, 7]

@Suite struct IDXTests {
    private func expectHandDecoded(_ data: Dataset) {
        #expect(data.count == 3)
        #expect(data.inputShape == InputShape(channels: 1, height: 2, width: 3))
        #expect(data.labels == [7, 0, 7])
        #expect(data.x.row(1) == [10, 11, 12, 13, 14, 15].map { Double($0) / 255 })
        #expect(data.x[2, 5] == 25.0 / 255)
        #expect(data.y.row(0) == [0, 0, 0, 0, 0, 0, 0, 1, 0, 0])
    }

    @Test func rawFilesDecodeByHand() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write(imageFile, to: "train-images-idx3-ubyte")
        try folder.write(labelFile, to: "train-labels-idx1-ubyte")
        let data = try Dataset(loading: DatasetOptions(source: .mnist(folder: folder.path), count: 0, standardization: .none))
        expectHandDecoded(data)
        #expect(data.classNames == (0...9).map(String.init))
    }

    @Test func gzipFilesDecodeLikeRawOnes() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write(gzip(imageFile), to: "train-images-idx3-ubyte.gz")
        try folder.write(gzip(labelFile), to: "train-labels-idx1-ubyte.gz")
        let data = try Dataset(loading: DatasetOptions(source: .fashionMNIST(folder: folder.path), count: 0, standardization: .none))
        expectHandDecoded(data)
        #expect(data.classNames[7] == "Sneaker")
        #expect(data.summary.hasPrefix("fashion-mnist: 3 of 3 training examples"))
    }

    @Test func perPixelStandardizationOfThreeImages() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write(imageFile, to: "train-images-idx3-ubyte")
        try folder.write(labelFile, to: "train-labels-idx1-ubyte")
        // Pixel j takes j, 10 + j, 20 + j: mean 10 + j, std 10·sqrt(2/3) (in units of 1/255).
        let data = try Dataset(loading: DatasetOptions(source: .mnist(folder: folder.path), count: 0))
        let z = 1 / (2.0 / 3).squareRoot()
        for j in 0..<6 {
            #expect(abs(data.x[0, j] + z) < 1e-12 && abs(data.x[1, j]) < 1e-12 && abs(data.x[2, j] - z) < 1e-12)
        }
    }

    @Test func badMagicTruncationAndMismatchAreNamed() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let source = DatasetSource.mnist(folder: folder.path)
        let options = DatasetOptions(source: source, count: 0)
        #expect(
            throws: DatasetError.missingFile(
                path: folder.file("train-images-idx3-ubyte"),
                expected:
                    "the mnist training files train-images-idx3-ubyte and train-labels-idx1-ubyte (train-images-idx3-ubyte or train-images-idx3-ubyte.gz)"
            )
        ) {
            try Dataset(loading: options)
        }
        try folder.write(labelFile, to: "train-images-idx3-ubyte")
        try folder.write(labelFile, to: "train-labels-idx1-ubyte")
        do {
            _ = try Dataset(loading: options)
            Issue.record("a labels file was accepted as images")
        } catch {
            #expect(
                error
                    == .badFormat(
                        path: folder.file("train-images-idx3-ubyte"),
                        found: "magic number 2049, an IDX file with 3 dimensions starts with 2051"))
        }
        try folder.write(Array(imageFile.dropLast(4)), to: "train-images-idx3-ubyte")
        #expect(
            throws: DatasetError.truncatedFile(
                path: folder.file("train-images-idx3-ubyte"), expected: "34 bytes (3 images of 2×3)", actualBytes: 30)
        ) {
            try Dataset(loading: options)
        }
        try folder.write(imageFile, to: "train-images-idx3-ubyte")
        try folder.write(bigEndian(2049) + bigEndian(2) + [7, 0], to: "train-labels-idx1-ubyte")
        do {
            _ = try Dataset(loading: options)
            Issue.record("2 labels for 3 images were accepted")
        } catch {
            guard case .badFormat = error else { Issue.record("unexpected \(error)"); return }
            #expect(error.description.contains("2 labels for the 3 images"))
        }
    }

    @Test func corruptAndTruncatedGzipAreRefused() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write(labelFile, to: "train-labels-idx1-ubyte")
        let options = DatasetOptions(source: .mnist(folder: folder.path), count: 0)
        let compressed = gzip(imageFile)
        try folder.write(Array(compressed.prefix(compressed.count / 2)), to: "train-images-idx3-ubyte.gz")
        do {
            _ = try Dataset(loading: options)
            Issue.record("a truncated gzip file was accepted")
        } catch {
            guard case .corruptGzip(let path, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(path == folder.file("train-images-idx3-ubyte.gz"))
        }
        try folder.write(Array("not gzip at all".utf8), to: "train-images-idx3-ubyte.gz")
        do {
            _ = try Dataset(loading: options)
            Issue.record("garbage was accepted as gzip")
        } catch {
            guard case .corruptGzip = error else { Issue.record("unexpected \(error)"); return }
            #expect(!error.description.contains("\n"))
        }
    }
}
