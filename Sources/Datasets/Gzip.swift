import CZlib

/// Inflating gzip data with zlib.
enum Gzip {
    /// The decompressed bytes of a gzip (or zlib) stream; concatenated gzip members are
    /// decompressed one after another, as `gunzip` does. `path` only names the source in errors.
    static func inflate(_ compressed: [UInt8], path: String) throws(DatasetError) -> [UInt8] {
        guard !compressed.isEmpty else { throw .corruptGzip(path: path, reason: "the file is empty") }
        var stream = z_stream()
        // windowBits 15 + 32: the largest window, with automatic gzip/zlib header detection.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corruptGzip(path: path, reason: "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(compressed.count * 4)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var failure: String?
        compressed.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END where stream.avail_in == 0:
                    return
                case Z_STREAM_END:
                    inflateReset(&stream)
                case Z_BUF_ERROR:
                    failure = "the stream ends early after \(output.count) decompressed bytes"
                    return
                default:
                    failure = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    return
                }
            }
        }
        if let failure { throw .corruptGzip(path: path, reason: failure) }
        return output
    }
}
