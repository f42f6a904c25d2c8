import CZeroMQ

extension ZMQSocket {
    /// Makes this socket a CURVE server (`ZMQ_CURVE_SERVER` + `ZMQ_CURVE_SECRETKEY`): traffic is
    /// encrypted, and each client is authenticated by `authenticator`, which must run on this
    /// socket's context (without a ZAP handler libzmq would accept any client key). The socket keeps
    /// the handler alive until it is closed. Call before `bind`.
    public func enableCurveServer(secretKey: CurveSecretKey, authenticator: ZAPHandler) throws(ZMQError) {
        precondition(authenticator.context === context, "the ZAP handler must run on the server socket's context")
        try setRaw(ZMQ_CURVE_SERVER, label: "ZMQ_CURVE_SERVER", bytes: withUnsafeBytes(of: Int32(1)) { Array($0) })
        try setRaw(ZMQ_CURVE_SECRETKEY, label: "ZMQ_CURVE_SECRETKEY", bytes: secretKey.bytes)
        self.authenticator = authenticator
    }

    /// Makes this socket a CURVE client of the server with public key `serverKey`, identified by
    /// `keyPair` (`ZMQ_CURVE_SERVERKEY`, `ZMQ_CURVE_PUBLICKEY`, `ZMQ_CURVE_SECRETKEY`). Call before `connect`.
    public func enableCurveClient(serverKey: CurvePublicKey, keyPair: CurveKeyPair) throws(ZMQError) {
        try setRaw(ZMQ_CURVE_SERVERKEY, label: "ZMQ_CURVE_SERVERKEY", bytes: serverKey.bytes)
        try setRaw(ZMQ_CURVE_PUBLICKEY, label: "ZMQ_CURVE_PUBLICKEY", bytes: keyPair.publicKey.bytes)
        try setRaw(ZMQ_CURVE_SECRETKEY, label: "ZMQ_CURVE_SECRETKEY", bytes: keyPair.secretKey.bytes)
    }
}
