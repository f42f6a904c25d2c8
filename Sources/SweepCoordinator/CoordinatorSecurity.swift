import Foundation
import ZeroMQTransport

/// How the coordinator's socket authenticates workers (docs/ARCHITECTURE.md §7).
public enum CoordinatorSecurity: Sendable {
    /// No encryption: allowed on loopback and ipc:// endpoints, elsewhere only with `--insecure`.
    case plain
    /// CURVE server with this secret key; only workers whose public key is in `allowedKeys`
    /// (key → name, from a `--curve-allow` folder of `.pub` files) are let through by ZAP.
    case curve(secretKey: CurveSecretKey, allowedKeys: [CurvePublicKey: String])

    /// True when `endpoint` only reaches this machine: `ipc://`, `inproc://`, or `tcp://` on
    /// 127.0.0.0/8, `localhost` or `[::1]`.
    public static func isLocal(_ endpoint: String) -> Bool {
        if endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") { return true }
        guard endpoint.hasPrefix("tcp://") else { return false }
        let address = endpoint.dropFirst("tcp://".count)
        if address.hasPrefix("[::1]:") { return true }
        guard let colon = address.lastIndex(of: ":") else { return false }
        let host = address[..<colon]
        return host == "localhost" || host.hasPrefix("127.")
    }
}
