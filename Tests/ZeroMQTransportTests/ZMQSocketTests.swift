import Foundation
import Testing
@testable import ZeroMQTransport

@Suite struct ZMQSocketTests {
    enum Transport: String, CaseIterable { case tcp, ipc }

    @Test(arguments: Transport.allCases)
    func routerDealerMultipartRoundTrip(_ transport: Transport) throws {
        let context = try ZMQContext()
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let router = try makeSocket(.router, context)
        switch transport {
        case .tcp: try router.bind("tcp://127.0.0.1:*")
        case .ipc: try router.bind("ipc://\(directory.path)/router.ipc")
        }
        let endpoint = try router.lastEndpoint()
        switch transport {
        case .tcp:
            #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
            #expect(Int(endpoint.split(separator: ":").last ?? "") ?? 0 > 0)
        case .ipc:
            #expect(endpoint == "ipc://\(directory.path)/router.ipc")
        }

        let dealer = try makeSocket(.dealer, context)
        try dealer.set(.routingID(Data("worker-1".utf8)))
        try dealer.connect(endpoint)
        let frames = [Data("EOS".utf8), Data(), Data((0...255).map { UInt8($0) })]
        try dealer.send(frames)
        let received = try router.receive()
        #expect(received == [Data("worker-1".utf8)] + frames)

        try router.send([Array("worker-1".utf8), Array("reply".utf8), []])
        #expect(try dealer.receive() == [Data("reply".utf8), Data()])
    }

    @Test func pollHonoursItsTimeoutAndWakesForAMessage() throws {
        let context = try ZMQContext()
        let router = try makeSocket(.router, context)
        try router.bind("tcp://127.0.0.1:*")
        var poller = ZMQPoller()
        let index = poller.register(router)

        let clock = ContinuousClock()
        var events: [ZMQPollEvents] = []
        let elapsed = try clock.measure { events = try poller.poll(timeoutMilliseconds: 200) }
        #expect(events[index].isEmpty)
        #expect(elapsed >= .milliseconds(190))
        #expect(elapsed < .milliseconds(1500))

        let dealer = try makeSocket(.dealer, context)
        try dealer.connect(try router.lastEndpoint())
        try dealer.send([Data("x".utf8)])
        let wake = try clock.measure { events = try poller.poll(timeoutMilliseconds: 5000) }
        #expect(events[index].contains(.readable))
        #expect(wake < .milliseconds(2000))
    }

    /// A loop that receives only after `ZMQ_FD` signals (poll(2) on it, as epoll would) gets every
    /// message: the descriptor wakes it for messages that arrive after the socket was drained.
    @Test func notificationDescriptorWakesAnEventLoopOfItsOwn() throws {
        let context = try ZMQContext()
        let router = try makeSocket(.router, context)
        try router.bind("tcp://127.0.0.1:*")
        let dealer = try makeSocket(.dealer, context)
        try dealer.set(.routingID(Data("w".utf8)))
        try dealer.connect(try router.lastEndpoint())
        let descriptor = try dealer.notificationDescriptor()
        #expect(descriptor >= 0)
        try dealer.send([Data("hello".utf8)])
        #expect(try router.receive() == [Data("w".utf8), Data("hello".utf8)])

        var received: [[Data]] = []
        for round in 0..<3 {
            #expect(try dealer.tryReceive() == nil)  // drained: what comes next must signal
            try router.send([Data("w".utf8), Data("reply \(round)".utf8)])
            let deadline = Date().addingTimeInterval(5)
            while received.count == round, Date() < deadline {
                var item = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                guard poll(&item, 1, 100) == 1 else { continue }
                while let frames = try dealer.tryReceive() { received.append(frames) }
            }
        }
        #expect(received == (0..<3).map { [Data("reply \($0)".utf8)] })
        dealer.close()
        #expect(throws: ZMQError.self) { _ = try dealer.notificationDescriptor() }
    }

    @Test func nonBlockingCallsReportNothingReadyInsteadOfThrowing() throws {
        let context = try ZMQContext()
        let router = try makeSocket(.router, context)
        try router.bind("tcp://127.0.0.1:*")
        #expect(try router.tryReceive() == nil)

        // A DEALER without any connection cannot queue a message: trySend says so.
        let lonely = try makeSocket(.dealer, context)
        #expect(try lonely.trySend([Data("x".utf8)]) == false)

        let dealer = try makeSocket(.dealer, context)
        try dealer.connect(try router.lastEndpoint())
        #expect(try dealer.trySend([Data("hello".utf8)]) == true)
        #expect(try receivesSomething(router, within: 3000))
        let message = try #require(try router.tryReceive())
        #expect(message.last == Data("hello".utf8))
    }

    @Test func oversizedFrameDropsThePeerButTheReceiverKeepsWorking() throws {
        let context = try ZMQContext()
        let router = try makeSocket(.router, context)
        try router.set(.maxMessageSize(bytes: 1024))
        try router.bind("tcp://127.0.0.1:*")
        let endpoint = try router.lastEndpoint()

        let offender = try makeSocket(.dealer, context)
        try offender.connect(endpoint)
        try offender.send([Data(count: 4096)])
        #expect(try receivesSomething(router, within: 400) == false)

        let honest = try makeSocket(.dealer, context)
        try honest.set(.routingID(Data("honest".utf8)))
        try honest.connect(endpoint)
        try honest.send([Data(count: 1000)])
        let received = try router.receive()
        #expect(received == [Data("honest".utf8), Data(count: 1000)])
        #expect(try router.tryReceive() == nil)
    }

    @Test func errorsNameTheOperationAndTheirKind() throws {
        let context = try ZMQContext()
        let socket = try makeSocket(.dealer, context, receiveTimeout: 50)

        let badEndpoint = #expect(throws: ZMQError.self) { try socket.bind("tcp://no-port-here") }
        #expect(badEndpoint?.kind == .other)
        #expect(badEndpoint?.operation == "zmq_bind(tcp://no-port-here)")
        #expect(badEndpoint?.description.contains("\n") == false)

        let timeout = #expect(throws: ZMQError.self) { _ = try socket.receive() }
        #expect(timeout?.kind == .wouldBlock)
        #expect(timeout?.code == EAGAIN)

        let router = try makeSocket(.router, context)
        try router.bind("tcp://127.0.0.1:*")
        let endpoint = try router.lastEndpoint()
        let second = try makeSocket(.router, context)
        let inUse = #expect(throws: ZMQError.self) { try second.bind(endpoint) }
        #expect(inUse?.code == EADDRINUSE)
        #expect(inUse?.description.contains("choose another port") == true)

        socket.close()
        let closed = #expect(throws: ZMQError.self) { try socket.send([Data("x".utf8)]) }
        #expect(closed?.code == ENOTSOCK)
    }

    @Test func routerMandatoryRefusesAnUnknownPeer() throws {
        let context = try ZMQContext()
        let router = try makeSocket(.router, context)
        try router.set(.routerMandatory(true))
        try router.bind("tcp://127.0.0.1:*")
        let error = #expect(throws: ZMQError.self) { try router.send([Data("nobody".utf8), Data("x".utf8)]) }
        #expect(error?.code == EHOSTUNREACH)
    }
}

@Suite struct ZMQSocketOptionTests {
    /// libzmq checks each option's value size (int vs int64_t) and range, so a wrong encoding fails with EINVAL.
    @Test func libzmqAcceptsEveryOption() throws {
        let context = try ZMQContext()
        let router = try ZMQSocket(.router, context: context)
        let options: [ZMQSocketOption] = [
            .linger(milliseconds: 0), .sendHighWaterMark(messages: 100), .receiveHighWaterMark(messages: 100),
            .maxMessageSize(bytes: 64 << 20), .receiveTimeout(milliseconds: 10), .sendTimeout(milliseconds: 10),
            .routingID(Data("coordinator".utf8)), .routerMandatory(true), .immediate(true),
            .reconnectInterval(milliseconds: 1000), .reconnectIntervalMax(milliseconds: 32000),
            .heartbeatInterval(milliseconds: 1000), .heartbeatTTL(milliseconds: 3000),
            .heartbeatTimeout(milliseconds: 3000), .handshakeInterval(milliseconds: 5000), .backlog(connections: 4096),
        ]
        for option in options { try router.set(option) }
        let tooLong = #expect(throws: ZMQError.self) { try router.set(.routingID(Data(count: 256))) }
        #expect(tooLong?.code == EINVAL)
        #expect(tooLong?.operation == "zmq_setsockopt(ZMQ_ROUTING_ID)")
    }

    /// `ZMQ_MAX_SOCKETS`: a context opens that many sockets and refuses the next with EMFILE.
    @Test func contextRefusesSocketsBeyondItsMaximum() throws {
        let context = try ZMQContext(maxSockets: 2)
        let open = [try ZMQSocket(.dealer, context: context), try ZMQSocket(.dealer, context: context)]
        let refused = #expect(throws: ZMQError.self) { _ = try ZMQSocket(.dealer, context: context) }
        #expect(refused?.code == EMFILE)
        for socket in open { socket.close() }
    }
}
