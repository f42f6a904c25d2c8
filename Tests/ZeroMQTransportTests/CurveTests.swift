import Foundation
import Testing
@testable import ZeroMQTransport

@Suite(.enabled(if: ZMQContext.has("curve"), "libzmq without CURVE"))
struct CurveTests {
    /// A CURVE ROUTER on loopback whose ZAP handler allows `allowed`; decisions go to `log`.
    private func makeServer(
        _ context: ZMQContext, serverKeys: CurveKeyPair, allowed: Set<CurvePublicKey>,
        log: DecisionLog
    ) throws -> (ZMQSocket, String) {
        let zap = try ZAPHandler(context: context, allowedKeys: allowed) { log.append($0) }
        let server = try makeSocket(.router, context)
        try server.enableCurveServer(secretKey: serverKeys.secretKey, authenticator: zap)
        try server.bind("tcp://127.0.0.1:*")
        return (server, try server.lastEndpoint())
    }

    @Test func allowedClientExchangesMessages() throws {
        let context = try ZMQContext()
        let serverKeys = try CurveKeyPair.generate()
        let clientKeys = try CurveKeyPair.generate()
        let log = DecisionLog()
        let (server, endpoint) = try makeServer(context, serverKeys: serverKeys, allowed: [clientKeys.publicKey], log: log)

        let client = try makeSocket(.dealer, context)
        try client.enableCurveClient(serverKey: serverKeys.publicKey, keyPair: clientKeys)
        try client.connect(endpoint)
        try client.send([Data("READY".utf8)])
        let request = try server.receive()
        #expect(request.count == 2)
        #expect(request.last == Data("READY".utf8))
        try server.send([request[0], Data("WELCOME".utf8)])
        #expect(try client.receive() == [Data("WELCOME".utf8)])

        let decisions = log.all
        #expect(decisions.count == 1)
        #expect(decisions.first?.accepted == true)
        #expect(decisions.first?.publicKey == clientKeys.publicKey)
        #expect(decisions.first?.mechanism == "CURVE")
    }

    @Test func unknownClientKeyIsRefusedAndReported() throws {
        let context = try ZMQContext()
        let serverKeys = try CurveKeyPair.generate()
        let allowedKeys = try CurveKeyPair.generate()
        let intruderKeys = try CurveKeyPair.generate()
        let log = DecisionLog()
        let (server, endpoint) = try makeServer(context, serverKeys: serverKeys, allowed: [allowedKeys.publicKey], log: log)

        let intruder = try makeSocket(.dealer, context)
        try intruder.enableCurveClient(serverKey: serverKeys.publicKey, keyPair: intruderKeys)
        try intruder.connect(endpoint)
        // Refused in the handshake, its pipe may be gone already: a send that cannot be queued is skipped.
        _ = try intruder.trySend([Data("READY".utf8)])
        #expect(try receivesSomething(server, within: 500) == false)
        #expect(eventually { !log.all.isEmpty })
        let refusal = try #require(log.all.first)
        #expect(refusal.accepted == false)
        #expect(refusal.publicKey == intruderKeys.publicKey)
        #expect(refusal.reason == "unknown public key")
        #expect(log.all.allSatisfy { !$0.accepted })
    }

    @Test func clientWithoutCurveCannotTalkToACurveServer() throws {
        let context = try ZMQContext()
        let serverKeys = try CurveKeyPair.generate()
        let clientKeys = try CurveKeyPair.generate()
        let log = DecisionLog()
        let (server, endpoint) = try makeServer(context, serverKeys: serverKeys, allowed: [clientKeys.publicKey], log: log)

        let plain = try makeSocket(.dealer, context)
        try plain.connect(endpoint)
        _ = try plain.trySend([Data("READY".utf8)])  // as the intruder's, above
        #expect(try receivesSomething(server, within: 500) == false)
        #expect(log.all.allSatisfy { !$0.accepted })
    }

    @Test func zapAnswersFollowRFC27() throws {
        let allowed = try CurveKeyPair.generate().publicKey
        let stranger = try CurveKeyPair.generate().publicKey
        func request(_ mechanism: String, _ credentials: [Data]) -> [Data] {
            [Data("1.0".utf8), Data("42".utf8), Data(), Data("127.0.0.1".utf8), Data(), Data(mechanism.utf8)] + credentials
        }
        let ok = ZAPHandler.answer(request("CURVE", [Data(allowed.bytes)]), allowedKeys: [allowed])
        #expect(
            ok.reply == [
                Data("1.0".utf8), Data("42".utf8), Data("200".utf8), Data("OK".utf8),
                Data(allowed.z85.utf8), Data(),
            ])
        #expect(ok.decision?.accepted == true)
        #expect(ok.decision?.address == "127.0.0.1")

        let unknown = ZAPHandler.answer(request("CURVE", [Data(stranger.bytes)]), allowedKeys: [allowed])
        #expect(unknown.reply[2] == Data("400".utf8))
        #expect(unknown.decision?.publicKey == stranger)

        let null = ZAPHandler.answer(request("NULL", []), allowedKeys: [allowed])
        #expect(null.reply[2] == Data("400".utf8))
        #expect(null.decision?.mechanism == "NULL")

        let malformed = ZAPHandler.answer([Data("0.9".utf8), Data("7".utf8)], allowedKeys: [allowed])
        #expect(malformed.reply[1] == Data("7".utf8))
        #expect(malformed.reply[2] == Data("500".utf8))
        #expect(malformed.decision == nil)
    }
}

@Suite(.enabled(if: ZMQContext.has("curve"), "libzmq without CURVE"))
struct HandshakeMonitorTests {
    @Test func plainClientAtACurveServerIsSeenByTheMonitor() throws {
        let context = try ZMQContext()
        let serverKeys = try CurveKeyPair.generate()
        let log = DecisionLog()
        let zap = try ZAPHandler(context: context, allowedKeys: []) { log.append($0) }
        let server = try makeSocket(.router, context)
        try server.enableCurveServer(secretKey: serverKeys.secretKey, authenticator: zap)
        try server.bind("tcp://127.0.0.1:*")
        let endpoint = try server.lastEndpoint()
        let monitor = try ZMQHandshakeMonitor(watching: server)
        defer { monitor.close() }

        // One failure per connection (libzmq does not retry a peer that failed the handshake, and
        // may report it before the monitor is listening), so connect afresh until one is seen.
        var failures: [ZMQHandshakeMonitor.Failure] = []
        let deadline = Date().addingTimeInterval(5)
        while failures.isEmpty, Date() < deadline {
            let plain = try makeSocket(.dealer, context)
            try plain.set(.linger(milliseconds: 0))
            try plain.connect(endpoint)
            _ = try plain.trySend([Data("READY".utf8)])  // as the intruder's, above
            _ = eventually(within: 0.3) {
                failures += (try? monitor.takeFailures()) ?? []; return !failures.isEmpty
            }
            plain.close()
        }
        #expect(failures.first?.isMechanismMismatch == true)
        #expect(failures.first?.endpoint == endpoint)
        #expect(log.all.isEmpty)  // ZAP never hears of it: only the monitor does
    }
}
