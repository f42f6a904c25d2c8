import CZeroMQ

/// A CURVE25519 public key (32 bytes), shown and stored as 40 Z85 characters.
public struct CurvePublicKey: Hashable, Sendable, CustomStringConvertible {
    /// The raw key, 32 bytes.
    public let bytes: [UInt8]

    /// - Returns: nil unless `bytes` holds exactly 32 bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// - Returns: nil unless `z85` is 40 valid Z85 characters.
    public init?(z85: String) {
        guard let bytes = Z85.decode(z85) else { return nil }
        self.init(bytes: bytes)
    }

    /// The 40-character Z85 text.
    public var z85: String { Z85.encode(bytes) }
    public var description: String { z85 }
}

/// A CURVE25519 secret key (32 bytes). Its description never shows the key.
public struct CurveSecretKey: Sendable, CustomStringConvertible {
    /// The raw key, 32 bytes.
    public let bytes: [UInt8]

    /// - Returns: nil unless `bytes` holds exactly 32 bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// - Returns: nil unless `z85` is 40 valid Z85 characters.
    public init?(z85: String) {
        guard let bytes = Z85.decode(z85) else { return nil }
        self.init(bytes: bytes)
    }

    /// The 40-character Z85 text (what a `.key` file holds).
    public var z85: String { Z85.encode(bytes) }
    public var description: String { "CurveSecretKey(<hidden>)" }

    /// The matching public key (`zmq_curve_public`).
    public func publicKey() throws(ZMQError) -> CurvePublicKey {
        var publicText = [CChar](repeating: 0, count: 41)
        try ZMQCall.check("zmq_curve_public", zmq_curve_public(&publicText, z85))
        let text = String(decoding: publicText.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let key = CurvePublicKey(z85: text) else {
            preconditionFailure("zmq_curve_public returned text that is not a Z85 key")
        }
        return key
    }
}

/// A CURVE key pair: the worker's or the coordinator's long-term identity.
public struct CurveKeyPair: Sendable {
    public let publicKey: CurvePublicKey
    public let secretKey: CurveSecretKey

    /// The pair of a secret key (its public key is derived, so the two always match).
    public init(secretKey: CurveSecretKey) throws(ZMQError) {
        self.secretKey = secretKey
        self.publicKey = try secretKey.publicKey()
    }

    /// A fresh random pair (`zmq_curve_keypair`); ENOTSUP when libzmq lacks CURVE.
    public static func generate() throws(ZMQError) -> CurveKeyPair {
        var publicText = [CChar](repeating: 0, count: 41)
        var secretText = [CChar](repeating: 0, count: 41)
        try ZMQCall.check("zmq_curve_keypair", zmq_curve_keypair(&publicText, &secretText))
        let text = String(decoding: secretText.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let secretKey = CurveSecretKey(z85: text) else {
            preconditionFailure("zmq_curve_keypair returned text that is not a Z85 key")
        }
        return try CurveKeyPair(secretKey: secretKey)
    }
}
