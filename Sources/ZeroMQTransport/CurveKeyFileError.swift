/// A CURVE key file that cannot be written, read or trusted. Each description is one line naming
/// the file and what to do.
public enum CurveKeyFileError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotRead(path: String, reason: String)
    /// `line` is 1-based; 0 when the file has no key line at all.
    case malformed(path: String, line: Int, reason: String)
    /// A secret key whose permission bits let the group or others read it.
    case secretKeyNotPrivate(path: String, mode: UInt32)
    case alreadyExists(path: String)
    case cannotWrite(path: String, reason: String)
    case invalidName(String)
    case noPublicKeys(directory: String)
    /// libzmq could not derive the public key (built without CURVE).
    case curveUnavailable(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotRead(let path, let reason):
            "cannot read CURVE key file \(path): \(reason); check the path given to --curve-secret, --curve-server or --curve-allow"
        case .malformed(let path, let line, let reason):
            "\(path):\(line): \(reason); a key file holds one 40-character Z85 key line (comments start with #), as written by eos keys generate"
        case .secretKeyNotPrivate(let path, let mode):
            "\(path): secret key is readable by others (mode \(String(mode & 0o777, radix: 8))); run chmod 600 \(path)"
        case .alreadyExists(let path):
            "\(path) already exists; remove it or choose another --name (key files are never overwritten)"
        case .cannotWrite(let path, let reason):
            "cannot write \(path): \(reason); check that the --out folder is writable"
        case .invalidName(let name):
            "invalid key name \"\(name)\"; use a non-empty name without '/' (letters, digits, '-', '_', '.')"
        case .noPublicKeys(let directory):
            "no .pub files in \(directory); copy each worker's NAME.pub (from eos keys generate) into it"
        case .curveUnavailable(let path, let reason):
            "\(path): cannot use the key: \(reason)"
        }
    }
}
