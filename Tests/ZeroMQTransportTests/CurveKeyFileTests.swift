import Foundation
import Testing
@testable import ZeroMQTransport

@Suite struct CurveKeyFileTests {
    @Test func z85MatchesTheRFC32TestVector() {
        let bytes: [UInt8] = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B]
        #expect(Z85.encode(bytes) == "HelloWorld")
        #expect(Z85.decode("HelloWorld") == bytes)
        #expect(Z85.decode("Hello") != nil)
        #expect(Z85.decode("Hell") == nil)
        #expect(Z85.decode("Hello World") == nil)
        #expect(Z85.decode("Héllo") == nil)
    }

    @Test(.enabled(if: ZMQContext.has("curve"), "libzmq without CURVE"))
    func publicKeyIsDerivedFromTheSecretKey() throws {
        // The server certificate of the libzmq CURVE tests (tests/testutil_security.cpp).
        let secret = try #require(CurveSecretKey(z85: "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"))
        #expect(try secret.publicKey().z85 == "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7")
        #expect(!secret.description.contains(secret.z85))
    }

    @Test(.enabled(if: ZMQContext.has("curve"), "libzmq without CURVE"))
    func keyFilesRoundTrip() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pair = try CurveKeyPair.generate()
        let (secretURL, publicURL) = try CurveKeyFile.write(pair, name: "node1", directory: directory)
        #expect(secretURL.lastPathComponent == "node1.key")
        #expect(publicURL.lastPathComponent == "node1.pub")
        let secretMode = try FileManager.default.attributesOfItem(atPath: secretURL.path)[.posixPermissions] as? Int
        let publicMode = try FileManager.default.attributesOfItem(atPath: publicURL.path)[.posixPermissions] as? Int
        #expect(secretMode == 0o600)
        #expect(publicMode == 0o644)
        #expect(try String(contentsOf: publicURL, encoding: .utf8).contains(pair.publicKey.z85))

        let loaded = try CurveKeyFile.loadKeyPair(secretKeyFile: secretURL)
        #expect(loaded.secretKey.bytes == pair.secretKey.bytes)
        #expect(loaded.publicKey == pair.publicKey)
        #expect(try CurveKeyFile.loadPublicKey(publicURL) == pair.publicKey)
        #expect(try CurveKeyFile.loadAllowedKeys(directory: directory) == [pair.publicKey: "node1"])

        #expect(throws: CurveKeyFileError.alreadyExists(path: secretURL.path)) {
            try CurveKeyFile.write(try CurveKeyPair.generate(), name: "node1", directory: directory)
        }
        #expect(throws: CurveKeyFileError.invalidName("../evil")) {
            try CurveKeyFile.write(pair, name: "../evil", directory: directory)
        }
    }

    @Test(.enabled(if: ZMQContext.has("curve"), "libzmq without CURVE"))
    func worldReadableSecretKeyIsRefused() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (secretURL, _) = try CurveKeyFile.write(try CurveKeyPair.generate(), name: "leaky", directory: directory)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: secretURL.path)
        let error = #expect(throws: CurveKeyFileError.self) { try CurveKeyFile.loadKeyPair(secretKeyFile: secretURL) }
        #expect(error == .secretKeyNotPrivate(path: secretURL.path, mode: 0o100644))
        let message = error?.description ?? ""
        #expect(message.contains("chmod 600 \(secretURL.path)"))
        #expect(message.contains("644"))
        #expect(!message.contains("\n"))
    }

    @Test func malformedKeyFilesNameTheLine() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bad = directory.appendingPathComponent("bad.pub")
        try "# a comment\n\nnot-a-key\n".write(to: bad, atomically: true, encoding: .utf8)
        #expect(throws: CurveKeyFileError.malformed(path: bad.path, line: 3, reason: "not a 40-character Z85 key")) {
            try CurveKeyFile.loadPublicKey(bad)
        }
        let two = directory.appendingPathComponent("two.pub")
        let key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
        try "\(key)\n\(key)\n".write(to: two, atomically: true, encoding: .utf8)
        #expect(throws: CurveKeyFileError.malformed(path: two.path, line: 2, reason: "a second key line")) {
            try CurveKeyFile.loadPublicKey(two)
        }
        let empty = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: CurveKeyFileError.noPublicKeys(directory: empty.path)) {
            try CurveKeyFile.loadAllowedKeys(directory: empty)
        }
    }
}
