import Configuration
import Foundation

/// The endpoint of a local sweep (docs/ARCHITECTURE.md §4): `ipc://<out>/coordinator.ipc`,
/// or, when that path is too long for a Unix socket address (107 bytes), `ipc://<runtime>/eos-<hash>.ipc`
/// with `<runtime>` = `$XDG_RUNTIME_DIR` (else `/tmp`) and `<hash>` the first 16 hex digits of the
/// SHA-256 of the absolute `<out>`. Deterministic, so a restarted `eos sweep` is found by the
/// workers of the previous run.
public enum LocalEndpoint {
    /// Longest socket path Linux accepts (`sun_path` is 108 bytes with its NUL).
    public static let maximumPathBytes = 107

    public static func endpoint(out: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String
    {
        let folder = URL(fileURLWithPath: out, isDirectory: true).standardizedFileURL.path
        let path = folder + "/coordinator.ipc"
        if path.utf8.count <= maximumPathBytes { return "ipc://" + path }
        let runtime = environment["XDG_RUNTIME_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let hash = SHA256.hexDigest(Array(folder.utf8)).prefix(16)
        return "ipc://\(runtime)/eos-\(hash).ipc"
    }
}
