import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// CURVE key files in the spirit of ZeroMQ certificates: `NAME.key` holds the secret key (mode 0600)
/// and `NAME.pub` the public key. Both are UTF-8 text: comment lines starting with `#`, blank lines,
/// and exactly one line with the 40-character Z85 key, e.g.
/// ```
/// # EdgeOfStability CURVE public key "node1" (Z85)
/// rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7
/// ```
/// The `.key` file holds only the secret key; its public key is derived (`zmq_curve_public`).
public enum CurveKeyFile {
    /// Writes `directory/NAME.key` (mode 0600) and `directory/NAME.pub` (mode 0644), creating the
    /// directory if needed. Never overwrites: an existing file of either name is an error.
    /// - Returns: the URLs of the secret and the public key file.
    @discardableResult
    public static func write(_ pair: CurveKeyPair, name: String, directory: URL)
        throws(CurveKeyFileError) -> (secretKey: URL, publicKey: URL)
    {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else { throw .invalidName(name) }
        let secretURL = directory.appendingPathComponent(name + ".key")
        let publicURL = directory.appendingPathComponent(name + ".pub")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: directory.path, reason: error.localizedDescription)
        }
        for url in [secretURL, publicURL] where FileManager.default.fileExists(atPath: url.path) {
            throw .alreadyExists(path: url.path)
        }
        try writeNew(
            secretURL, mode: 0o600,
            text: """
                # EdgeOfStability CURVE secret key "\(name)" (Z85). Keep it private: mode 600, never copy it.
                \(pair.secretKey.z85)

                """)
        try writeNew(
            publicURL, mode: 0o644,
            text: """
                # EdgeOfStability CURVE public key "\(name)" (Z85). Copy it into the coordinator's --curve-allow folder.
                \(pair.publicKey.z85)

                """)
        return (secretURL, publicURL)
    }

    /// Loads a secret key file and derives its public key. Refuses a file that the group or others
    /// may read (any of the permission bits 0o077 set).
    public static func loadKeyPair(secretKeyFile url: URL) throws(CurveKeyFileError) -> CurveKeyPair {
        var status = stat()
        guard stat(url.path, &status) == 0 else {
            throw .cannotRead(path: url.path, reason: String(cString: strerror(errno)))
        }
        guard UInt32(status.st_mode) & 0o077 == 0 else {
            throw .secretKeyNotPrivate(path: url.path, mode: UInt32(status.st_mode))
        }
        let (text, line) = try keyLine(of: url)
        guard let secretKey = CurveSecretKey(z85: text) else {
            throw .malformed(path: url.path, line: line, reason: "not a 40-character Z85 key")
        }
        do {
            return try CurveKeyPair(secretKey: secretKey)
        } catch {
            throw .curveUnavailable(path: url.path, reason: error.description)
        }
    }

    /// Loads one `.pub` file.
    public static func loadPublicKey(_ url: URL) throws(CurveKeyFileError) -> CurvePublicKey {
        let (text, line) = try keyLine(of: url)
        guard let key = CurvePublicKey(z85: text) else {
            throw .malformed(path: url.path, line: line, reason: "not a 40-character Z85 key")
        }
        return key
    }

    /// Loads every `*.pub` file of a folder (not recursive): the allowed workers of a coordinator.
    /// - Returns: each key with the name of its file without `.pub` (the first, by sorted file name,
    ///   when two files hold the same key).
    public static func loadAllowedKeys(directory: URL) throws(CurveKeyFileError) -> [CurvePublicKey: String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw .cannotRead(path: directory.path, reason: error.localizedDescription)
        }
        var allowed: [CurvePublicKey: String] = [:]
        for fileName in names.sorted() where fileName.hasSuffix(".pub") {
            let key = try loadPublicKey(directory.appendingPathComponent(fileName))
            if allowed[key] == nil { allowed[key] = String(fileName.dropLast(4)) }
        }
        guard !allowed.isEmpty else { throw .noPublicKeys(directory: directory.path) }
        return allowed
    }

    /// The single non-comment, non-blank line of a key file, trimmed, with its 1-based line number.
    private static func keyLine(of url: URL) throws(CurveKeyFileError) -> (String, Int) {
        let contents: String
        do {
            contents = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw .cannotRead(path: url.path, reason: error.localizedDescription)
        }
        var found: (String, Int)?
        for (index, rawLine) in contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if found != nil {
                throw .malformed(path: url.path, line: index + 1, reason: "a second key line")
            }
            found = (line, index + 1)
        }
        guard let found else { throw .malformed(path: url.path, line: 0, reason: "no key line") }
        return found
    }

    /// Creates a file that must not exist yet, with `mode` from the start (O_CREAT | O_EXCL), so a
    /// secret key is never readable by others even for an instant.
    private static func writeNew(_ url: URL, mode: mode_t, text: String) throws(CurveKeyFileError) {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard descriptor >= 0 else {
            let code = errno
            if code == EEXIST { throw .alreadyExists(path: url.path) }
            throw .cannotWrite(path: url.path, reason: String(cString: strerror(code)))
        }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { posixWrite(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fchmod(descriptor, mode) == 0 else {
            throw .cannotWrite(path: url.path, reason: String(cString: strerror(errno)))
        }
    }
}

/// POSIX write(2), named apart from `CurveKeyFile.write`.
private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
