import Foundation

/// Why a received sweep message was dropped. The receiver logs the one-line description and
/// disconnects the sender (docs/ARCHITECTURE.md §5: a frame that does not parse is never a crash).
public enum ProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not exactly `ProtocolConstants.frameCount` frames after the routing id.
    case wrongFrameCount(Int)
    /// Frame 0 is not `ProtocolConstants.version`; carries what was seen (printable, shortened).
    case unsupportedVersion(String)
    /// Frame 1 is not a command this side accepts; `known` lists those it does.
    case unknownCommand(String, known: [String])
    /// A frame is larger than `ProtocolConstants.maxFrameBytes`.
    case oversizedFrame(index: Int, bytes: Int)
    /// The JSON body cannot be read as the command's body; `field` is a dotted path such as
    /// `progress.step`, or `body` for the body as a whole.
    case malformedBody(command: String, field: String, reason: String)
    /// The body reads, but a value breaks a rule (empty or malformed task key, negative number, …).
    case invalidValue(command: String, field: String, reason: String)

    public var description: String {
        let advice = "run the same eos version on the coordinator and every worker"
        switch self {
        case .wrongFrameCount(let count):
            return
                "dropped sweep message with \(count) frames, expected \(ProtocolConstants.frameCount) (version, command, JSON body) after the routing id; \(advice)"
        case .unsupportedVersion(let seen):
            return "dropped sweep message with protocol version \"\(seen)\", this eos speaks \(ProtocolConstants.version); \(advice)"
        case .unknownCommand(let seen, let known):
            return "dropped sweep message with unknown command \"\(seen)\" (expected \(known.joined(separator: ", "))); \(advice)"
        case .oversizedFrame(let index, let bytes):
            return
                "dropped sweep message: frame \(index) has \(bytes) bytes, over the limit of \(ProtocolConstants.maxFrameBytes) bytes; a task's files are too large to travel in one RESULT"
        case .malformedBody(let command, let field, let reason):
            return "dropped \(command) message: field \"\(field)\" of its JSON body: \(reason); \(advice)"
        case .invalidValue(let command, let field, let reason):
            return "dropped \(command) message: field \"\(field)\" \(reason); the sender is broken, disconnect it"
        }
    }

    /// Bytes from the wire as one printable line of at most 40 characters: ASCII 0x20…0x7E kept,
    /// anything else as `\xNN`.
    static func printable(_ bytes: Data) -> String {
        var text = ""
        for byte in bytes.prefix(40) {
            if (0x20...0x7E).contains(byte) && byte != UInt8(ascii: "\\") {
                text.append(Character(UnicodeScalar(byte)))
            } else {
                text += "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return bytes.count > 40 ? text + "…" : text
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
