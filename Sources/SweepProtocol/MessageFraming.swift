import Foundation

/// Frames ↔ (command, JSON body), shared by `WorkerMessage` and `CoordinatorMessage`.
///
/// Wire format after the ROUTER routing id (which the ROUTER adds and strips itself):
/// frame 0 = `ProtocolConstants.version` (UTF-8), frame 1 = command name (UTF-8, e.g. `READY`),
/// frame 2 = the command's body as a JSON object with snake_case keys (`{}` for commands without fields).
enum MessageFraming {
    /// The body of commands without fields: `{}` (any keys a newer peer adds are ignored).
    struct EmptyBody: Codable {}

    /// The three frames of a message.
    static func frames<Body: Encodable>(command: String, body: Body) -> [Data] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Non-finite numbers travel as strings, which every receiver refuses as a type mismatch;
        // with this strategy encoding plain structs of strings and numbers cannot fail.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let json: Data
        do {
            json = try encoder.encode(body)
        } catch {
            preconditionFailure("JSONEncoder failed on a \(command) body: \(error)")
        }
        return [Data(ProtocolConstants.version.utf8), Data(command.utf8), json]
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

    /// Decodes a command's body, naming the first field that does not read.
    static func body<Body: Decodable>(_ type: Body.Type, command: String, from json: Data) throws(ProtocolError) -> Body {
        do {
            return try JSONDecoder().decode(type, from: json)
        } catch let error as DecodingError {
            let (field, reason) = describe(error)
            throw .malformedBody(command: command, field: field, reason: reason)
        } catch {
            throw .malformedBody(command: command, field: "body", reason: "not JSON")
        }
    }

    /// The dotted field path and a short reason of a `DecodingError`.
    private static func describe(_ error: DecodingError) -> (field: String, reason: String) {
        func path(_ keys: [any CodingKey]) -> String {
            let parts = keys.map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
            return parts.isEmpty ? "body" : parts.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return (path(context.codingPath + [key]), "missing")
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "expected \(typeName(type))")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "null where \(typeName(type)) is required")
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? ("body", "not a JSON object")
                : (path(context.codingPath), "unreadable value")
        @unknown default:
            return ("body", "unreadable")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is [String: Any].Type: "a JSON object"
        case is [Any].Type: "a JSON array"
        default: "a value of type \(type)"
        }
    }
}
