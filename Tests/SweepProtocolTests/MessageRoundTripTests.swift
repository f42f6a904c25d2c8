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
}
