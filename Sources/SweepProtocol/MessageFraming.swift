import Configuration
import Foundation

/// Frames ↔ (command, JSON body), shared by `WorkerMessage` and `CoordinatorMessage`.
///
/// Wire format after the ROUTER routing id (which the ROUTER adds and strips itself):
/// frame 0 = `ProtocolConstants.version` (UTF-8), frame 1 = command name (UTF-8, e.g. `READY`),
/// frame 2 = the command's body as a JSON object with snake_case keys (`{}` for commands without
/// fields), written as RFC 8785 canonical JSON (keys sorted, no white space) and read by
/// ``MessageBody``.
enum MessageFraming {
    /// The three frames of a message whose body has these fields (an absent optional field is
    /// left out).
    static func frames(command: String, body: [String: JSONValue]) -> [Data] {
        [Data(ProtocolConstants.version.utf8), Data(command.utf8), Data(canonicalJSON(.object(body)).utf8)]
    }

    /// A number field. JSON has no NaN or ±∞: those travel as the strings `nan`, `inf` and
    /// `-inf`, which every receiver refuses as a type mismatch, so writing a body cannot fail.
    static func number(_ x: Double) -> JSONValue {
        guard !x.isFinite else { return .number(x) }
        return .string(x.isNaN ? "nan" : x < 0 ? "-inf" : "inf")
    }

    /// Checks frame count, sizes, version and command; returns the command and its body frame.
    static func split<Command: RawRepresentable & CaseIterable>(_ frames: [Data], as _: Command.Type)
        throws(ProtocolError) -> (command: Command, body: Data) where Command.RawValue == String
    {
        guard frames.count == ProtocolConstants.frameCount else { throw .wrongFrameCount(frames.count) }
        for (index, frame) in frames.enumerated() where frame.count > ProtocolConstants.maxFrameBytes {
            throw .oversizedFrame(index: index, bytes: frame.count)
        }
        guard frames[0] == Data(ProtocolConstants.version.utf8) else {
            throw .unsupportedVersion(ProtocolError.printable(frames[0]))
        }
        guard let command = Command.allCases.first(where: { Data($0.rawValue.utf8) == frames[1] }) else {
            throw .unknownCommand(ProtocolError.printable(frames[1]), known: Command.allCases.map(\.rawValue))
        }
        return (command, frames[2])
    }
}
