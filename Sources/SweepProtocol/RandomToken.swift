/// 128 random bits from the system's cryptographic source as 32 lowercase hex digits: a worker's
/// session token (``ProtocolConstants/sessionTokenHexDigits``).
public enum RandomToken {
    public static func hex128() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}
