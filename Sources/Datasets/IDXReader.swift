import Foundation

/// MNIST and Fashion-MNIST training sets in IDX format: train-images-idx3-ubyte and
/// train-labels-idx1-ubyte in one folder, each raw or gzip-compressed (`.gz`).
///
/// Images: big-endian UInt32 magic 2051 (0x00000803: unsigned bytes, 3 dimensions), count n,
/// rows, columns, then n·rows·columns pixel bytes, row-major. Labels: magic 2049
/// (0x00000801), count n, then n label bytes 0…9. Pixels are scaled by 1/255.
enum IDXReader {
    static let imagesName = "train-images-idx3-ubyte"
    static let labelsName = "train-labels-idx1-ubyte"
    static let imagesMagic: UInt32 = 2051
    static let labelsMagic: UInt32 = 2049
    static let mnistClassNames = (0...9).map(String.init)
    static let fashionClassNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// Reads the pair of files of `name` (mnist | fashion-mnist) from `folder`.
    static func read(folder: String, name: String, classNames: [String]) throws(DatasetError) -> SourceImages<UInt8> {
        let expected = "the \(name) training files \(imagesName) and \(labelsName)"
        let images = try SourceFile.rawOrGzip(folder: folder, name: imagesName, expected: expected)
        let labels = try SourceFile.rawOrGzip(folder: folder, name: labelsName, expected: expected)

        let imageHeader = try header(images.bytes, path: images.path, magic: imagesMagic, dimensions: 3)
        let (n, rows, columns) = (imageHeader[0], imageHeader[1], imageHeader[2])
        guard n > 0, rows > 0, columns > 0 else {
            throw .badFormat(path: images.path, found: "\(n) images of \(rows)×\(columns) pixels")
        }
        let imageBytes = 16 + n * rows * columns
        guard images.bytes.count >= imageBytes else {
            throw .truncatedFile(
                path: images.path, expected: "\(imageBytes) bytes (\(n) images of \(rows)×\(columns))", actualBytes: images.bytes.count)
        }
        let labelHeader = try header(labels.bytes, path: labels.path, magic: labelsMagic, dimensions: 1)
        guard labelHeader[0] == n else {
            throw .badFormat(path: labels.path, found: "\(labelHeader[0]) labels for the \(n) images of \(images.path)")
        }
        guard labels.bytes.count >= 8 + n else {
            throw .truncatedFile(path: labels.path, expected: "\(8 + n) bytes (\(n) labels)", actualBytes: labels.bytes.count)
        }
        let labelValues = labels.bytes[8..<(8 + n)].map(Int.init)
        if let index = labelValues.firstIndex(where: { $0 >= classNames.count }) {
            throw .badFormat(
                path: labels.path, found: "label \(labelValues[index]) of example \(index), expected 0…\(classNames.count - 1)")
        }
        return SourceImages(
            name: name, shape: InputShape(channels: 1, height: rows, width: columns),
            pixels: Array(images.bytes[16..<imageBytes]), scale: 1.0 / 255, labels: labelValues, classNames: classNames)
    }

    /// Checks the magic number and returns the `dimensions` big-endian UInt32 sizes after it.
    static func header(_ bytes: [UInt8], path: String, magic: UInt32, dimensions: Int) throws(DatasetError) -> [Int] {
        let headerBytes = 4 * (1 + dimensions)
        func word(_ k: Int) -> UInt32 {
            (0..<4).reduce(0) { ($0 << 8) | UInt32(bytes[4 * k + $1]) }
        }
        if bytes.count >= 4, word(0) != magic {
            throw .badFormat(
                path: path,
                found: "magic number \(word(0)), an IDX file with \(dimensions) dimension\(dimensions == 1 ? "" : "s") starts with \(magic)"
            )
        }
        guard bytes.count >= headerBytes else {
            throw .truncatedFile(path: path, expected: "at least \(headerBytes) header bytes", actualBytes: bytes.count)
        }
        return (1...dimensions).map { Int(word($0)) }
    }
}
