import Foundation

/// The bundled digits (Resources/digits.csv.gz, see DIGITS-LICENSE.md): one gzip-compressed CSV
/// row per image, 64 pixel integers 0…16 (row-major 8×8) then the label 0…9, no header.
/// Pixels are scaled by 1/16 into [0, 1].
enum DigitsReader {
    static let pixelCount = 64
    static let maximumPixel = 16

    static func read() throws(DatasetError) -> SourceImages<UInt8> {
        guard let url = Bundle.module.url(forResource: "digits.csv", withExtension: "gz") else {
            throw .missingFile(
                path: "Datasets resource digits.csv.gz", expected: "the digits bundled with the eos build — rebuild or reinstall eos")
        }
        let compressed = try SourceFile.bytes(at: url.path, expected: "the bundled digits.csv.gz")
        return try parse(csv: try Gzip.inflate(compressed, path: url.path), path: url.path)
    }

    /// Parses the CSV text; `path` names the file in errors (with the 1-based line).
    static func parse(csv: [UInt8], path: String) throws(DatasetError) -> SourceImages<UInt8> {
        var pixels: [UInt8] = []
        var labels: [Int] = []
        var fields: [Int] = []
        var line = 1
        var value = 0
        var digits = 0
        func finishField() throws(DatasetError) {
            guard digits > 0 else { throw .badFormat(path: path, found: "line \(line): an empty or non-integer field") }
            fields.append(value)
            value = 0
            digits = 0
        }
        func finishLine() throws(DatasetError) {
            try finishField()
            guard fields.count == pixelCount + 1 else {
                throw .badFormat(path: path, found: "line \(line): \(fields.count) fields, expected \(pixelCount) pixels and a label")
            }
            for pixel in fields.prefix(pixelCount) {
                guard pixel <= maximumPixel else { throw .badFormat(path: path, found: "line \(line): pixel value \(pixel) outside 0…16") }
                pixels.append(UInt8(pixel))
            }
            guard fields[pixelCount] <= 9 else {
                throw .badFormat(path: path, found: "line \(line): label \(fields[pixelCount]) outside 0…9")
            }
            labels.append(fields[pixelCount])
            fields.removeAll(keepingCapacity: true)
        }
        var lineIsEmpty = true
        for byte in csv {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard digits < 6 else { throw .badFormat(path: path, found: "line \(line): a number too long for a pixel") }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                lineIsEmpty = false
            case UInt8(ascii: ","):
                try finishField()
                lineIsEmpty = false
            case UInt8(ascii: "\n"):
                if !lineIsEmpty { try finishLine() }
                line += 1
                lineIsEmpty = true
            case UInt8(ascii: "\r"):
                continue
            default:
                throw .badFormat(path: path, found: "line \(line): unexpected character \(String(UnicodeScalar(byte)).debugDescription)")
            }
        }
        if !lineIsEmpty { try finishLine() }
        return SourceImages(
            name: "digits", shape: InputShape(channels: 1, height: 8, width: 8), pixels: pixels,
            scale: 1 / Double(maximumPixel), labels: labels, classNames: (0...9).map(String.init))
    }
}
