/// One answer of the `ZAPHandler` to a connecting client, reported through its callback.
public struct ZAPDecision: Sendable, Equatable {
    /// Whether the connection was let through (ZAP status 200) or refused (400).
    public let accepted: Bool
    /// The client's security mechanism as libzmq names it: `CURVE`, `NULL` or `PLAIN`.
    public let mechanism: String
    /// The client's long-term public key (CURVE only).
    public let publicKey: CurvePublicKey?
    /// The client's address as libzmq reports it (an IP address for tcp://, empty for ipc://).
    public let address: String
    /// The ZAP status text sent back, e.g. `unknown public key`.
    public let reason: String
}
