import Foundation
import Testing
@testable import SweepProtocol

@Suite struct MessageRoundTripTests {
    @Test(arguments: everyWorkerMessage)
    func workerMessageRoundTrips(_ message: WorkerMessage) throws {
        let frames = WorkerMessage.encode(message)
        #expect(frames.count == 3)
        #expect(frames[0] == Data("EOS-SWEEP/2".utf8))
        #expect(try WorkerMessage.decode(frames: frames) == message)
    }

    @Test(arguments: everyCoordinatorMessage)
    func coordinatorMessageRoundTrips(_ message: CoordinatorMessage) throws {
        let frames = CoordinatorMessage.encode(message)
        #expect(frames.count == 3)
        #expect(frames[0] == Data("EOS-SWEEP/2".utf8))
        #expect(try CoordinatorMessage.decode(frames: frames) == message)
    }

    @Test func commandNamesAreTheDocumentedOnes() {
        let workerCommands = everyWorkerMessage.map { String(decoding: WorkerMessage.encode($0)[1], as: UTF8.self) }
        #expect(Set(workerCommands) == ["READY", "HEARTBEAT", "RESULT", "FAIL", "RETURN", "DISCONNECT"])
        let coordinatorCommands = everyCoordinatorMessage.map {
            String(decoding: CoordinatorMessage.encode($0)[1], as: UTF8.self)
        }
        #expect(Set(coordinatorCommands) == ["WELCOME", "TASK", "NOTASK", "ACK", "HEARTBEAT", "SHUTDOWN"])
    }

    @Test func handWrittenWorkerBodiesDecode() throws {
        let ready = try WorkerMessage.decode(
            frames: wire(
                "READY",
                #"{"worker":"w1","host":"node7","pid":12,"threads":4,"held_results":["\#(keyA)"],"future_field":1}"#))
        #expect(ready == .ready(.init(worker: "w1", host: "node7", pid: 12, threads: 4, heldResults: [keyA])))
        let withSession = try WorkerMessage.decode(
            frames: wire(
                "READY",
                #"{"worker":"w1","host":"node7","pid":12,"threads":4,"held_results":[],"session":"\#(leaseB)","connection":2}"#))
        #expect(
            withSession
                == .ready(.init(worker: "w1", host: "node7", pid: 12, threads: 4, heldResults: [], session: leaseB, connection: 2)))

        let busy = try WorkerMessage.decode(
            frames: wire(
                "HEARTBEAT",
                #"{"progress":{"task_key":"\#(keyB)","lease_id":"\#(leaseA)","step":10,"total_steps":20,"phase":"tracking"}}"#))
        #expect(busy == .heartbeat(.init(taskKey: keyB, leaseID: leaseA, step: 10, totalSteps: 20, phase: "tracking")))
        // Progress with the latest loss and sharpness (optional fields: older workers leave them out).
        let measured = try WorkerMessage.decode(
            frames: wire(
                "HEARTBEAT",
                #"{"progress":{"task_key":"\#(keyB)","lease_id":"\#(leaseA)","step":10,"total_steps":20,"phase":"gd","loss":0.5,"sharpness":3}}"#
            ))
        #expect(
            measured == .heartbeat(.init(taskKey: keyB, leaseID: leaseA, step: 10, totalSteps: 20, phase: "gd", loss: 0.5, sharpness: 3)))
        // A non-finite loss is not sent (JSON has no such number); one sent as text is refused.
        #expect(WorkerMessage.Progress(taskKey: keyB, leaseID: leaseA, step: 1, totalSteps: 2, phase: "gd", loss: .infinity).loss == nil)
        let infinite = wire(
            "HEARTBEAT",
            #"{"progress":{"task_key":"\#(keyB)","lease_id":"\#(leaseA)","step":1,"total_steps":2,"phase":"gd","loss":"inf"}}"#)
        #expect(throws: ProtocolError.self) { try WorkerMessage.decode(frames: infinite) }
        #expect(try WorkerMessage.decode(frames: wire("HEARTBEAT", "{}")) == .heartbeat(nil))
        #expect(try WorkerMessage.decode(frames: wire("HEARTBEAT", #"{"progress":null}"#)) == .heartbeat(nil))

        let result = try WorkerMessage.decode(
            frames: wire(
                "RESULT",
                #"{"lease_id":"\#(leaseA)","task_key":"\#(keyA)","attempt":1,"summary":"{\"status\":\"diverged\"}","#
                    + #""files":{"trace.csv":"step,loss\n0,inf\n"},"resumed_from_checkpoint":false}"#))
        #expect(
            result
                == .result(
                    .init(
                        leaseID: leaseA, taskKey: keyA, attempt: 1, summary: #"{"status":"diverged"}"#,
                        files: ["trace.csv": "step,loss\n0,inf\n"], resumedFromCheckpoint: false)))

        #expect(
            try WorkerMessage.decode(frames: wire("FAIL", #"{"lease_id":"\#(leaseB)","task_key":"\#(keyA)","error":"boom"}"#))
                == .fail(.init(leaseID: leaseB, taskKey: keyA, error: "boom")))
        #expect(
            try WorkerMessage.decode(frames: wire("RETURN", #"{"lease_id":"\#(leaseA)","task_key":"\#(keyB)","reason":"SIGTERM"}"#))
                == .return(.init(leaseID: leaseA, taskKey: keyB, reason: "SIGTERM")))
        #expect(try WorkerMessage.decode(frames: wire("DISCONNECT", "{}")) == .disconnect)
    }

    @Test func handWrittenCoordinatorBodiesDecode() throws {
        #expect(
            try CoordinatorMessage.decode(
                frames: wire(
                    "WELCOME",
                    #"{"heartbeat_interval":1.0,"liveness":3,"checkpoint_every":300}"#))
                == .welcome(.init(heartbeatInterval: 1, liveness: 3, checkpointEvery: 300)))
        #expect(
            try CoordinatorMessage.decode(
                frames: wire(
                    "TASK",
                    #"{"lease_id":"\#(leaseB)","task_key":"\#(keyA)","attempt":2,"config":"{\"train\":{\"lr\":0.1}}","checkpoint_every":60}"#
                ))
                == .task(.init(leaseID: leaseB, taskKey: keyA, attempt: 2, config: #"{"train":{"lr":0.1}}"#, checkpointEvery: 60)))
        #expect(
            try CoordinatorMessage.decode(
                frames: wire(
                    "TASK",
                    #"{"lease_id":"\#(leaseB)","task_key":"\#(keyA)","attempt":1,"config":"{}","checkpoint_every":60,"label":"train.lr=0.1"}"#
                ))
                == .task(.init(leaseID: leaseB, taskKey: keyA, attempt: 1, config: "{}", checkpointEvery: 60, label: "train.lr=0.1")))
        #expect(try CoordinatorMessage.decode(frames: wire("NOTASK", #"{"retry_after":1.5}"#)) == .noTask(retryAfter: 1.5))
        #expect(try CoordinatorMessage.decode(frames: wire("ACK", #"{"task_key":"\#(keyB)"}"#)) == .ack(taskKey: keyB))
        #expect(try CoordinatorMessage.decode(frames: wire("HEARTBEAT", "{}")) == .heartbeat)
        #expect(try CoordinatorMessage.decode(frames: wire("SHUTDOWN", #"{"reason":"finished"}"#)) == .shutdown(.finished))
    }

    @Test func encodedBodiesUseTheDocumentedKeys() throws {
        let frames = WorkerMessage.encode(everyWorkerMessage[5])
        #expect(
            Set(try bodyObject(frames).keys)
                == ["lease_id", "task_key", "attempt", "summary", "files", "resumed_from_checkpoint"])
        let welcome = CoordinatorMessage.encode(.welcome(.init(heartbeatInterval: 1, liveness: 3, checkpointEvery: 300)))
        let object = try bodyObject(welcome)
        #expect(object["heartbeat_interval"] as? Double == 1.0)
        #expect(object["liveness"] as? Int == 3)
        #expect(object["checkpoint_every"] as? Double == 300)
    }

    /// Foundation's own parser (independent of ``MessageBody``) reads every written body as the
    /// message says: every string byte for byte (quotes, backslashes, newlines, non-ASCII), every
    /// number, no key more or less.
    @Test func anIndependentParserReadsEveryBody() throws {
        let result = try bodyObject(WorkerMessage.encode(everyWorkerMessage[5]))
        guard case .result(let sent) = everyWorkerMessage[5] else { preconditionFailure("fixture 5 is a RESULT") }
        #expect(result["summary"] as? String == sent.summary)
        #expect(result["files"] as? [String: String] == sent.files)
        #expect(result["attempt"] as? Int == 2)
        #expect(result["resumed_from_checkpoint"] as? Bool == true)

        let task = try bodyObject(CoordinatorMessage.encode(everyCoordinatorMessage[2]))
        #expect(Set(task.keys) == ["lease_id", "task_key", "attempt", "config", "checkpoint_every", "label"])
        #expect(task["label"] as? String == "train.lr=0.1 data.name=\"mnist\"")
        #expect(task["checkpoint_every"] as? Double == 1)
        #expect(Set(try bodyObject(CoordinatorMessage.encode(everyCoordinatorMessage[1])).keys).count == 5)

        let progress = try bodyObject(WorkerMessage.encode(everyWorkerMessage[4]))["progress"] as? [String: Any]
        #expect(progress?["loss"] as? Double == 0.125)
        #expect(progress?["sharpness"] as? Double == 7.9)
        #expect(Set(try bodyObject(WorkerMessage.encode(everyWorkerMessage[3])).keys) == ["progress"])
        #expect(try bodyObject(WorkerMessage.encode(.heartbeat(nil))).isEmpty)

        // Every control character, escaped or not, and text outside the BMP, both ways.
        let text = String((0..<0x80).map { Character(Unicode.Scalar(UInt8($0))) }) + "η/2 \u{1F600} \u{301}\"\u{301}"
        let failure = WorkerMessage.fail(.init(leaseID: leaseA, taskKey: keyA, error: text))
        #expect(try bodyObject(WorkerMessage.encode(failure))["error"] as? String == text)
        #expect(try WorkerMessage.decode(frames: WorkerMessage.encode(failure)) == failure)
    }

    /// JSON has no NaN or ±∞: such a number travels as a string and the receiver refuses it,
    /// naming the field.
    @Test func nonFiniteNumbersAreRefusedByTheReceiver() {
        for (x, text) in [(Double.infinity, "inf"), (-.infinity, "-inf"), (.nan, "nan")] {
            let frames = CoordinatorMessage.encode(.noTask(retryAfter: x))
            #expect(String(decoding: frames[2], as: UTF8.self) == #"{"retry_after":"\#(text)"}"#)
            #expect(coordinatorError(frames) == .malformedBody(command: "NOTASK", field: "retry_after", reason: "expected a number"))
        }
        let welcome = CoordinatorMessage.encode(.welcome(.init(heartbeatInterval: .nan, liveness: 3, checkpointEvery: 1)))
        #expect(
            coordinatorError(welcome) == .malformedBody(command: "WELCOME", field: "heartbeat_interval", reason: "expected a number"))
    }

    /// A RESULT the size of a long run's files (a CSV of 200,000 lines, an escaped newline on
    /// each) reads back exactly.
    @Test func largeResultRoundTrips() throws {
        let csv = "step,loss,sharpness\n" + (0..<200_000).map { "\($0),\(Double($0) * 1e-3),\"x\"\n" }.joined()
        let message = WorkerMessage.result(
            .init(leaseID: leaseA, taskKey: keyA, attempt: 1, summary: "{}", files: ["trace.csv": csv], resumedFromCheckpoint: false))
        let frames = WorkerMessage.encode(message)
        #expect(frames[2].count > csv.utf8.count)
        #expect(try WorkerMessage.decode(frames: frames) == message)
    }
}
