import Foundation
import LinearAlgebra
import Testing
@testable import SweepProtocol

@Suite struct MalformedInputTests {
    static let allFrames = everyWorkerMessage.map(WorkerMessage.encode) + everyCoordinatorMessage.map(CoordinatorMessage.encode)

    @Test func randomFramesAreRefused() {
        var generator = SeededGenerator(seed: 20_240_601, stream: .testing)
        var accepted: [[Data]] = []
        for _ in 0..<4000 {
            let count = Int.random(in: 0...5, using: &generator)
            let frames = (0..<count).map { _ in generator.bytes(Int.random(in: 0...48, using: &generator)) }
            if workerError(frames) == nil || coordinatorError(frames) == nil { accepted.append(frames) }
        }
        #expect(accepted.isEmpty)
    }

    @Test func randomBodiesBehindAValidHeaderAreMalformed() {
        var generator = SeededGenerator(seed: 7, stream: .testing)
        let commands = ["READY", "RESULT", "FAIL", "RETURN", "WELCOME", "TASK", "NOTASK", "ACK", "SHUTDOWN"]
        var wrong: [(String, ProtocolError?)] = []
        for _ in 0..<3000 {
            let command = commands[Int.random(in: 0..<commands.count, using: &generator)]
            var body = generator.bytes(Int.random(in: 0...64, using: &generator))
            if Bool.random(using: &generator) { body = Data("{".utf8) + body }
            let error = decodeError([Data(ProtocolConstants.version.utf8), Data(command.utf8), body])
            guard case .malformedBody(command, _, _) = error else {
                wrong.append((command, error))
                continue
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(3))")
    }

    @Test func mutatedValidMessagesNeverCrash() {
        // A flipped byte may still leave a valid message (e.g. inside a string); the point is that
        // every outcome is a value or a ProtocolError.
        var generator = SeededGenerator(seed: 99, stream: .testing)
        var refused = 0
        for _ in 0..<3000 {
            var frames = Self.allFrames[Int.random(in: 0..<Self.allFrames.count, using: &generator)]
            let index = Int.random(in: 0..<frames.count, using: &generator)
            if !frames[index].isEmpty {
                let position = Int.random(in: 0..<frames[index].count, using: &generator)
                frames[index][frames[index].startIndex + position] = UInt8.random(in: 0...255, using: &generator)
            }
            if decodeError(frames) != nil { refused += 1 }
        }
        #expect(refused > 1000)
    }

    @Test func everyTruncatedBodyIsMalformed() {
        for frames in Self.allFrames {
            let command = String(decoding: frames[1], as: UTF8.self)
            for length in 0..<frames[2].count {
                let truncated = [frames[0], frames[1], frames[2].prefix(length)]
                guard case .malformedBody(command, _, _) = decodeError(truncated) else {
                    Issue.record("\(command) body truncated to \(length) bytes was not refused as malformed")
                    return
                }
            }
        }
    }

    @Test func truncatedVersionAndCommandFramesAreRefused() {
        let frames = WorkerMessage.encode(everyWorkerMessage[0])
        for length in 0..<frames[0].count {
            let error = workerError([frames[0].prefix(length), frames[1], frames[2]])
            #expect(error == .unsupportedVersion(String(decoding: frames[0].prefix(length), as: UTF8.self)))
        }
        for length in 0..<frames[1].count {
            let error = workerError([frames[0], frames[1].prefix(length), frames[2]])
            #expect(
                error
                    == .unknownCommand(
                        String(decoding: frames[1].prefix(length), as: UTF8.self),
                        known: WorkerMessage.Command.allCases.map(\.rawValue)))
        }
    }

    @Test func missingAndExtraFramesAreRefused() {
        let frames = WorkerMessage.encode(.disconnect)
        #expect(workerError([]) == .wrongFrameCount(0))
        #expect(workerError(Array(frames.prefix(2))) == .wrongFrameCount(2))
        #expect(workerError(frames + [Data()]) == .wrongFrameCount(4))
        // A REQ-style empty delimiter in front is not part of this protocol.
        #expect(workerError([Data()] + frames) == .wrongFrameCount(4))
        #expect(coordinatorError(Array(frames.prefix(1))) == .wrongFrameCount(1))
    }

    @Test func emptyFramesAreRefused() {
        let frames = WorkerMessage.encode(.disconnect)
        #expect(workerError([Data(), frames[1], frames[2]]) == .unsupportedVersion(""))
        #expect(workerError([frames[0], Data(), frames[2]]) == .unknownCommand("", known: WorkerMessage.Command.allCases.map(\.rawValue)))
        #expect(
            workerError([frames[0], frames[1], Data()]) == .malformedBody(command: "DISCONNECT", field: "body", reason: "not a JSON object")
        )
        #expect(workerError([Data(), Data(), Data()]) == .unsupportedVersion(""))
    }

    @Test func wrongVersionIsNamedOnOneLine() throws {
        let frames = WorkerMessage.encode(.disconnect)
        let error = try #require(workerError([Data("EOS-SWEEP/1".utf8), frames[1], frames[2]]))
        #expect(error == .unsupportedVersion("EOS-SWEEP/1"))
        #expect(error.description.contains("\"EOS-SWEEP/1\""))
        #expect(error.description.contains("EOS-SWEEP/2"))

        let binary = try #require(workerError([Data([0x4D, 0x44, 0x0A, 0xFF, 0x5C]), frames[1], frames[2]]))
        #expect(binary == .unsupportedVersion(#"MD\x0A\xFF\x5C"#))
        #expect(!binary.description.contains("\n"))
    }

    @Test func commandsOfTheOtherDirectionAreUnknown() {
        let task = CoordinatorMessage.encode(everyCoordinatorMessage[1])
        #expect(workerError(task) == .unknownCommand("TASK", known: ["READY", "HEARTBEAT", "RESULT", "FAIL", "RETURN", "DISCONNECT"]))
        let ready = WorkerMessage.encode(everyWorkerMessage[0])
        #expect(coordinatorError(ready) == .unknownCommand("READY", known: ["WELCOME", "TASK", "NOTASK", "ACK", "HEARTBEAT", "SHUTDOWN"]))
    }

    /// Fields a peer of the same protocol version may leave out (`TASK`'s `label`, READY's
    /// `session` and `connection`; the progress object's `loss` and `sharpness` are checked in
    /// MessageRoundTripTests).
    static let optionalFields: Set<String> = ["TASK.label", "READY.session", "READY.connection"]

    @Test func everyMissingOrMistypedFieldIsNamed() throws {
        var checked = 0
        for frames in Self.allFrames {
            let command = String(decoding: frames[1], as: UTF8.self)
            let object = try bodyObject(frames)
            for key in object.keys where key != "progress" {
                var missing = object
                missing[key] = nil
                // Optional fields (added later, within the protocol version) may be left out.
                if Self.optionalFields.contains("\(command).\(key)") {
                    #expect(decodeError(try replacingBody(frames, with: missing)) == nil, "\(command).\(key)")
                } else {
                    #expect(
                        decodeError(try replacingBody(frames, with: missing))
                            == .malformedBody(command: command, field: key, reason: "missing"), "\(command).\(key)")
                }
                var mistyped = object
                mistyped[key] = object[key] is String ? 7 : "mistyped"
                guard case .malformedBody(command, key, _) = decodeError(try replacingBody(frames, with: mistyped)) else {
                    Issue.record("\(command).\(key) of the wrong JSON type was not refused naming the field")
                    continue
                }
                checked += 1
            }
        }
        #expect(checked >= 25)

        let busy = WorkerMessage.encode(everyWorkerMessage[3])
        var object = try bodyObject(busy)
        var progress = try #require(object["progress"] as? [String: Any])
        progress["step"] = "ten"
        object["progress"] = progress
        guard case .malformedBody("HEARTBEAT", "progress.step", _) = decodeError(try replacingBody(busy, with: object)) else {
            Issue.record("a mistyped progress.step was not named")
            return
        }
        #expect(workerError(wire("READY", "[1, 2]")) == .malformedBody(command: "READY", field: "body", reason: "expected a JSON object"))
    }

    @Test func frameOverTheLimitIsRefusedBeforeParsing() {
        let limit = ProtocolConstants.maxFrameBytes
        #expect(limit == 64 * 1024 * 1024)
        let header = WorkerMessage.encode(.disconnect)
        #expect(workerError([header[0], header[1], Data(count: limit + 1)]) == .oversizedFrame(index: 2, bytes: limit + 1))
        #expect(
            workerError([header[0], header[1], Data(count: limit)])
                == .malformedBody(command: "DISCONNECT", field: "body", reason: "not a JSON object"))
        #expect(coordinatorError([Data(count: limit + 1), header[1], header[2]]) == .oversizedFrame(index: 0, bytes: limit + 1))
    }

    @Test(arguments: [
        ("READY", #"{"worker":"","host":"h","pid":1,"threads":1,"held_results":[]}"#, "worker"),
        ("READY", #"{"worker":"w","host":"h","pid":0,"threads":1,"held_results":[]}"#, "pid"),
        ("READY", #"{"worker":"w","host":"h","pid":1,"threads":0,"held_results":[]}"#, "threads"),
        ("READY", #"{"worker":"w","host":"h","pid":1,"threads":1,"held_results":["abc"]}"#, "held_results[0]"),
        ("HEARTBEAT", #"{"progress":{"task_key":"","lease_id":"LEASE","step":0,"total_steps":1,"phase":"gd"}}"#, "progress.task_key"),
        ("HEARTBEAT", #"{"progress":{"task_key":"KEYA","lease_id":"LEASE","step":-1,"total_steps":1,"phase":"gd"}}"#, "progress.step"),
        ("HEARTBEAT", #"{"progress":{"task_key":"KEYA","lease_id":"LEASE0","step":0,"total_steps":1,"phase":"gd"}}"#, "progress.lease_id"),
        (
            "HEARTBEAT", #"{"progress":{"task_key":"KEYA","lease_id":"LEASE","step":0,"total_steps":1,"phase":"PHASE65"}}"#,
            "progress.phase"
        ),
        ("TASK", #"{"lease_id":"LEASE","task_key":"KEYA","attempt":1,"config":"{}","checkpoint_every":300,"label":"LABEL1025"}"#, "label"),
        (
            "RESULT",
            #"{"lease_id":"LEASE-upper","task_key":"KEYA","attempt":1,"summary":"{}","files":{},"resumed_from_checkpoint":false}"#,
            "lease_id"
        ),
        (
            "RESULT", #"{"lease_id":"LEASE","task_key":"KEYA","attempt":0,"summary":"{}","files":{},"resumed_from_checkpoint":false}"#,
            "attempt"
        ),
        (
            "RESULT",
            #"{"lease_id":"LEASE","task_key":"KEYA","attempt":1,"summary":"not json","files":{},"resumed_from_checkpoint":false}"#,
            "summary"
        ),
        (
            "RESULT", #"{"lease_id":"LEASE","task_key":"KEYA","attempt":1,"summary":"[1]","files":{},"resumed_from_checkpoint":false}"#,
            "summary"
        ),
        (
            "RESULT",
            #"{"lease_id":"LEASE","task_key":"KEYA","attempt":1,"summary":"{}","files":{"../x.csv":""},"resumed_from_checkpoint":false}"#,
            "files"
        ),
        (
            "RESULT", #"{"lease_id":"LEASE","task_key":"KEYA","attempt":1,"summary":"{}","files":{"":""},"resumed_from_checkpoint":false}"#,
            "files"
        ),
        ("FAIL", #"{"lease_id":"LEASE","task_key":"KEYA","error":""}"#, "error"),
        ("FAIL", #"{"lease_id":"","task_key":"KEYA","error":"x"}"#, "lease_id"),
        ("RETURN", #"{"lease_id":"0123456789ABCDEF0123456789ABCDEF","task_key":"KEYA","reason":"x"}"#, "lease_id"),
        ("RETURN", #"{"lease_id":"LEASE","task_key":"KEYA","reason":""}"#, "reason"),
        ("RETURN", #"{"lease_id":"LEASE","task_key":"KEYA-upper","reason":"x"}"#, "task_key"),
        ("WELCOME", #"{"heartbeat_interval":0,"liveness":3,"checkpoint_every":300}"#, "heartbeat_interval"),
        ("WELCOME", #"{"heartbeat_interval":1,"liveness":0,"checkpoint_every":300}"#, "liveness"),
        ("WELCOME", #"{"heartbeat_interval":1,"liveness":3,"checkpoint_every":-5}"#, "checkpoint_every"),
        ("TASK", #"{"lease_id":"LEASE","task_key":"KEYA","attempt":1,"config":"","checkpoint_every":300}"#, "config"),
        ("TASK", #"{"lease_id":"LEASE","task_key":"","attempt":1,"config":"{}","checkpoint_every":300}"#, "task_key"),
        ("TASK", #"{"lease_id":"LEASEf","task_key":"KEYA","attempt":1,"config":"{}","checkpoint_every":300}"#, "lease_id"),
        ("NOTASK", #"{"retry_after":-1}"#, "retry_after"),
        ("READY", #"{"worker":"w","host":"h","pid":1,"threads":1,"held_results":[],"session":"LEASE0"}"#, "session"),
        ("READY", #"{"worker":"w","host":"h","pid":1,"threads":1,"held_results":[],"session":"LEASE","connection":-1}"#, "connection"),
        ("ACK", #"{"task_key":"KEYA0"}"#, "task_key"),
    ])
    func invalidValuesAreRefusedNamingTheField(_ command: String, _ json: String, _ field: String) {
        let body = json.replacingOccurrences(of: "KEYA", with: keyA).replacingOccurrences(of: "LEASE", with: leaseA)
            .replacingOccurrences(of: "PHASE65", with: String(repeating: "p", count: ProtocolConstants.maxPhaseBytes + 1))
            .replacingOccurrences(of: "LABEL1025", with: String(repeating: "é", count: ProtocolConstants.maxLabelBytes / 2 + 1))
        guard case .invalidValue(command, field, _) = decodeError(wire(command, body)) else {
            Issue.record(
                "\(command) \(body): expected an invalid value at \(field), got \(String(describing: decodeError(wire(command, body))))")
            return
        }
    }

    @Test("READY with more held results, or RESULT with more files, than a turn's bounded work allows: refused naming the field")
    func oversizedListsAreRefused() {
        let keys = (0...ProtocolConstants.maxHeldResults).map { _ in "\"\(keyA)\"" }.joined(separator: ",")
        let ready = wire("READY", #"{"worker":"w","host":"h","pid":1,"threads":1,"held_results":[\#(keys)]}"#)
        guard case .invalidValue("READY", "held_results", _) = decodeError(ready) else {
            Issue.record("\(ProtocolConstants.maxHeldResults + 1) held results accepted: \(String(describing: decodeError(ready)))")
            return
        }
        let files = (0...ProtocolConstants.maxResultFiles).map { #""f\#($0).csv":"""# }.joined(separator: ",")
        let result = wire(
            "RESULT",
            #"{"lease_id":"\#(leaseA)","task_key":"\#(keyA)","attempt":1,"summary":"{}","files":{\#(files)},"resumed_from_checkpoint":false}"#
        )
        guard case .invalidValue("RESULT", "files", _) = decodeError(result) else {
            Issue.record("\(ProtocolConstants.maxResultFiles + 1) files accepted: \(String(describing: decodeError(result)))")
            return
        }
        let atLimit = (0..<ProtocolConstants.maxHeldResults).map { _ in "\"\(keyA)\"" }.joined(separator: ",")
        #expect(decodeError(wire("READY", #"{"worker":"w","host":"h","pid":1,"threads":1,"held_results":[\#(atLimit)]}"#)) == nil)
    }

    @Test("a version-1 integer lease id, or a token of the wrong length, is refused naming lease_id")
    func integerOrShortLeaseIDsAreRefused() {
        let integer = wire(
            "RESULT", #"{"lease_id":17,"task_key":"\#(keyA)","attempt":1,"summary":"{}","files":{},"resumed_from_checkpoint":false}"#)
        guard case .malformedBody("RESULT", "lease_id", _) = workerError(integer) else {
            Issue.record("an integer lease id was accepted: \(String(describing: workerError(integer)))")
            return
        }
        for token in [String(leaseA.dropLast()), leaseA + "0", String(repeating: "g", count: 32)] {
            let frames = wire("FAIL", #"{"lease_id":"\#(token)","task_key":"\#(keyA)","error":"x"}"#)
            #expect(
                workerError(frames)
                    == .invalidValue(
                        command: "FAIL", field: "lease_id",
                        reason: "is not a 32-hex lease token"), "\(token)")
        }
    }

    @Test func unknownShutdownReasonIsMalformed() {
        #expect(
            coordinatorError(wire("SHUTDOWN", #"{"reason":"bored\n"}"#))
                == .malformedBody(command: "SHUTDOWN", field: "reason", reason: #"is "bored\x0A", expected finished or stopping"#))
        #expect(
            coordinatorError(wire("SHUTDOWN", #"{"reason":null}"#))
                == .malformedBody(command: "SHUTDOWN", field: "reason", reason: "null where a string is required"))
    }

    @Test func everyDescriptionIsOneLine() {
        let errors: [ProtocolError] = [
            .wrongFrameCount(5), .unsupportedVersion("x"), .unknownCommand("X", known: ["A"]),
            .oversizedFrame(index: 2, bytes: 1 << 27), .malformedBody(command: "READY", field: "pid", reason: "missing"),
            .invalidValue(command: "ACK", field: "task_key", reason: "is empty"),
        ]
        for error in errors {
            #expect(!error.description.contains("\n"))
            #expect(!error.description.isEmpty)
        }
    }
}
