import Foundation

/// CIFAR-10 binary batches ("CIFAR-10 binary version"): data_batch_1.bin … data_batch_5.bin in
/// one folder, read in that order. Each record is 1 label byte (0…9) then 3072 pixel bytes:
/// the 1024 red, then 1024 green, then 1024 blue values of a 32×32 image, row-major. Pixels
/// are scaled by 1/255. A full batch has 10 000 records; any positive number is accepted.
enum CIFAR10Reader {
    static let batchNames = (1...5).map { "data_batch_\($0).bin" }
    static let shape = InputShape(channels: 3, height: 32, width: 32)
    static let recordBytes = 1 + 3072
    static let classNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

    static func read(folder: String) throws(DatasetError) -> SourceImages<UInt8> {
        let expected = "data_batch_1.bin … data_batch_5.bin from cifar-10-batches-bin (the CIFAR-10 binary version)"
        var pixels: [UInt8] = []
        var labels: [Int] = []
        for name in batchNames {
            let path = (folder as NSString).appendingPathComponent(name)
            let bytes = try SourceFile.bytes(at: path, expected: expected)
            guard !bytes.isEmpty, bytes.count % recordBytes == 0 else {
                throw .truncatedFile(
                    path: path, expected: "a positive multiple of \(recordBytes) bytes (1 label + 3072 pixels per record)",
                    actualBytes: bytes.count)
            }
            pixels.reserveCapacity(5 * bytes.count)
            for start in stride(from: 0, to: bytes.count, by: recordBytes) {
                let label = Int(bytes[start])
                guard label < classNames.count else {
                    throw .badFormat(path: path, found: "record \(start / recordBytes) has label byte \(label), CIFAR-10 labels are 0…9")
                }
                labels.append(label)
                pixels.append(contentsOf: bytes[(start + 1)..<(start + recordBytes)])
            }
        }
        return SourceImages(name: "cifar10", shape: shape, pixels: pixels, scale: 1.0 / 255, labels: labels, classNames: classNames)
    }
}
