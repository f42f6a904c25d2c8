import CZeroMQ

/// Z85 (ZeroMQ RFC 32): 4 bytes ↔ 5 printable ASCII characters; a 32-byte CURVE key is 40 characters.
/// Both directions call libzmq's `zmq_z85_encode` / `zmq_z85_decode`.
public enum Z85 {
    /// Encodes bytes whose count is a multiple of 4.
    public static func encode(_ bytes: [UInt8]) -> String {
        precondition(bytes.count % 4 == 0, "Z85 encodes a multiple of 4 bytes, got \(bytes.count)")
        var text = [CChar](repeating: 0, count: bytes.count / 4 * 5 + 1)
        _ = bytes.withUnsafeBufferPointer { zmq_z85_encode(&text, $0.baseAddress, $0.count) }
        return String(decoding: text.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Decodes Z85 text; nil when its length is not a multiple of 5 or it holds a character outside
    /// the Z85 alphabet.
    public static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 5 == 0, characters.allSatisfy({ $0 >= 0x21 && $0 < 0x7F }) else { return nil }
        var bytes = [UInt8](repeating: 0, count: characters.count / 5 * 4)
        let decoded = bytes.withUnsafeMutableBufferPointer { destination in
            zmq_z85_decode(destination.baseAddress, text)
        }
        return decoded == nil ? nil : bytes
    }
}
