import Configuration

/// 128 random bits from the system's cryptographic source as 32 lowercase hex digits: a worker's
/// session token (``ProtocolConstants/sessionTokenHexDigits``).
public enum RandomToken {
    public static func hex128() -> String {
        var generator = SystemRandomNumberGenerator()
        return SHA256.hex(withUnsafeBytes(of: (generator.next() as UInt64, generator.next() as UInt64), Array.init))
    }
}
