import Foundation
import LinearAlgebra
@testable import SweepProtocol

extension SeededGenerator {
    /// `count` random bytes, for the fuzz cases (seeded, so every run checks the same inputs).
    mutating func bytes(_ count: Int) -> Data {
        Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &self) })
    }
}

let keyA = String(repeating: "0123456789abcdef", count: 4)
let keyB = String(repeating: "fedcba9876543210", count: 4)
/// Lease tokens: 32 lowercase hex digits.
let leaseA = "00112233445566778899aabbccddeeff"
let leaseB = "ffeeddccbbaa99887766554433221100"

/// One value of every worker message, with non-trivial text (unicode, quotes, newlines, slashes).
let everyWorkerMessage: [WorkerMessage] = [
    .ready(.init(worker: "node7-4242", host: "node7.cluster", pid: 4242, threads: 2, heldResults: [keyA, keyB])),
    .ready(.init(worker: "w", host: "h", pid: 1, threads: 1, heldResults: [])),
    .heartbeat(nil),
    .heartbeat(.init(taskKey: keyA, leaseID: leaseA, step: 250, totalSteps: 1500, phase: "gd")),
    .heartbeat(.init(taskKey: keyA, leaseID: leaseA, step: 251, totalSteps: 1500, phase: "gd", loss: 0.125, sharpness: 7.9)),
    .result(
        .init(
            leaseID: leaseA, taskKey: keyA, attempt: 2,
            summary: #"{"status":"completed","two_over_eta":8.0,"eos_step":null}"#,
            files: ["trace.csv": "step,loss\n0,1.5\n1,nan\n", "track.csv": "step,x\n\"a,b\",η/2\n"],
            resumedFromCheckpoint: true)),
    .fail(.init(leaseID: leaseB, taskKey: keyB, error: "data.path \"/x\" leaves the data root; use a path inside --data-root")),
    .return(.init(leaseID: leaseA, taskKey: keyA, reason: "SIGTERM")),
    .disconnect,
    .ready(.init(worker: "w", host: "h", pid: 1, threads: 1, heldResults: [keyB], session: leaseB, connection: 3)),
]

/// One value of every coordinator message.
let everyCoordinatorMessage: [CoordinatorMessage] = [
    .welcome(.init(heartbeatInterval: 0.5, liveness: 3, checkpointEvery: 300)),
    .task(
        .init(
            leaseID: leaseB, taskKey: keyA, attempt: 1, config: #"{"train":{"lr":0.1},"model":{"width":64}}"#,
            checkpointEvery: 120.5)),
    .task(
        .init(
            leaseID: leaseB, taskKey: keyA, attempt: 1, config: "{}", checkpointEvery: 1,
            label: "train.lr=0.1 data.name=\"mnist\"")),
    .noTask(retryAfter: 2.5),
    .noTask(retryAfter: 0),
    .ack(taskKey: keyB),
    .heartbeat,
    .shutdown(.finished),
    .shutdown(.stopping),
]

/// The three frames of a message written by hand: the wire format as documented.
func wire(_ command: String, _ json: String) -> [Data] {
    [Data(ProtocolConstants.version.utf8), Data(command.utf8), Data(json.utf8)]
}

/// Decodes a worker message and returns its error (nil when it decoded).
func workerError(_ frames: [Data]) -> ProtocolError? {
    do {
        _ = try WorkerMessage.decode(frames: frames)
        return nil
    } catch {
        return error
    }
}

/// Decodes a coordinator message and returns its error (nil when it decoded).
func coordinatorError(_ frames: [Data]) -> ProtocolError? {
    do {
        _ = try CoordinatorMessage.decode(frames: frames)
        return nil
    } catch {
        return error
    }
}

/// The error for frames sent to either side: worker commands go to `WorkerMessage.decode`.
func decodeError(_ frames: [Data]) -> ProtocolError? {
    let command = String(decoding: frames.count > 1 ? frames[1] : Data(), as: UTF8.self)
    return WorkerMessage.Command(rawValue: command) != nil ? workerError(frames) : coordinatorError(frames)
}

/// The JSON body of frames as a mutable object.
func bodyObject(_ frames: [Data]) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: frames[2]) as? [String: Any] ?? [:]
}

/// Frames with the body replaced by `object`.
func replacingBody(_ frames: [Data], with object: [String: Any]) throws -> [Data] {
    [frames[0], frames[1], try JSONSerialization.data(withJSONObject: object)]
}
