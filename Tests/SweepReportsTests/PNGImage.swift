import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A decoded 8-bit RGB or RGBA PNG (what headless Chromium writes for a screenshot), for
/// checking that a rendered page is not blank. Inflate comes from the system zlib (libz.so.1,
/// a dependency of Chromium itself), opened at run time so the test target needs no C module.
struct PNGImage {
    let width: Int
    let height: Int
    /// Row-major pixels as 0xRRGGBB (alpha dropped).
    let pixels: [UInt32]

    struct DecodeError: Error, CustomStringConvertible {
        let description: String
    }

    init(contentsOf url: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: url))
        guard bytes.count > 8, bytes[0..<8].elementsEqual([137, 80, 78, 71, 13, 10, 26, 10]) else {
            throw DecodeError(description: "\(url.path): not a PNG file")
        }
        func be32(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
        var offset = 8, width = 0, height = 0, channels = 0
        var compressed: [UInt8] = []
        while offset + 8 <= bytes.count {
            let length = be32(offset)
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let data = offset + 8
            switch type {
            case "IHDR":
                (width, height) = (be32(data), be32(data + 4))
                guard bytes[data + 8] == 8, bytes[data + 12] == 0, [2, 6].contains(bytes[data + 9]) else {
                    throw DecodeError(description: "\(url.path): only 8-bit non-interlaced RGB(A) is decoded here")
                }
                channels = bytes[data + 9] == 6 ? 4 : 3
            case "IDAT":
                compressed += bytes[data..<(data + length)]
            default:
                break
            }
            offset = data + length + 4
        }
        let stride = width * channels
        var raw = [UInt8](repeating: 0, count: height * (stride + 1))
        try Self.inflate(compressed, into: &raw)
        var image = [UInt8](repeating: 0, count: height * stride)
        // Unsafe buffers: this loop runs over every byte of the screenshot in debug builds too.
        try raw.withUnsafeBufferPointer { raw in
            try image.withUnsafeMutableBufferPointer { image in
                for row in 0..<height {
                    let filter = raw[row * (stride + 1)]
                    let input = row * (stride + 1) + 1, output = row * stride
                    for i in 0..<stride {
                        let a = i >= channels ? Int(image[output + i - channels]) : 0
                        let b = row > 0 ? Int(image[output - stride + i]) : 0
                        let c = i >= channels && row > 0 ? Int(image[output - stride + i - channels]) : 0
                        let predictor: Int
                        switch filter {
                        case 0: predictor = 0
                        case 1: predictor = a
                        case 2: predictor = b
                        case 3: predictor = (a + b) / 2
                        case 4:
                            let p = a + b - c
                            let (pa, pb, pc) = (Swift.abs(p - a), Swift.abs(p - b), Swift.abs(p - c))
                            predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                        default: throw DecodeError(description: "\(url.path): unknown PNG filter \(filter) in row \(row)")
                        }
                        image[output + i] = UInt8(truncatingIfNeeded: Int(raw[input + i]) + predictor)
                    }
                }
            }
        }
        self.width = width
        self.height = height
        pixels = image.withUnsafeBufferPointer { image in
            (0..<(width * height)).map { p in
                UInt32(image[p * channels]) << 16 | UInt32(image[p * channels + 1]) << 8 | UInt32(image[p * channels + 2])
            }
        }
    }

    /// zlib's `uncompress` (dest, &destLen, source, sourceLen) into a buffer of the exact expected size.
    private static func inflate(_ source: [UInt8], into destination: inout [UInt8]) throws {
        guard let library = dlopen("libz.so.1", RTLD_NOW), let symbol = dlsym(library, "uncompress") else {
            throw DecodeError(description: "libz.so.1 (zlib) not found: apt-get install -y zlib1g")
        }
        typealias Uncompress =
            @convention(c) (
                UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?, UnsafePointer<UInt8>?, UInt
            ) -> Int32
        let uncompress = unsafeBitCast(symbol, to: Uncompress.self)
        var length = UInt(destination.count)
        let status = destination.withUnsafeMutableBufferPointer { out in
            source.withUnsafeBufferPointer { input in
                uncompress(out.baseAddress, &length, input.baseAddress, UInt(input.count))
            }
        }
        guard status == 0, length == UInt(destination.count) else {
            throw DecodeError(description: "zlib uncompress failed (status \(status), \(length) of \(destination.count) bytes)")
        }
    }
}
