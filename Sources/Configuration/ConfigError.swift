/// Bad input in a run configuration, a sweep specification, a `--set` override or a config JSON.
///
/// `description` is one line: `FILE:LINE: PROBLEM` (or `FILE: PROBLEM` where there is no line),
/// where FILE is the path as given, `--set` for an override, or `config.json`; e.g.
/// `spec.toml:7: unknown key 'model.widht' (did you mean 'model.width'?)`.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file the bad input came from (`--set` for command-line overrides).
    public var file: String
    /// The 1-based line of the offending key, where known.
    public var line: Int?
    public var problem: Problem

    public init(file: String, line: Int?, problem: Problem) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return "\(location): \(problem)"
    }

    /// What is wrong, with the dotted key it concerns.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        /// The file could not be read or is not UTF-8 text.
        case unreadable(reason: String)
        /// TOML (or JSON) syntax error, as reported by the parser.
        case syntax(String)
        /// A key the configuration does not have.
        case unknownKey(String, suggestion: String?)
        /// A required key is absent; `hint` says what to add.
        case missingKey(String, hint: String)
        /// A value of the wrong type; `expected` reads "a float", "an integer", …
        case wrongType(key: String, expected: String, got: JSONValue)
        /// A value outside its range; `requirement` reads "> 0", ">= 1", …
        case outOfRange(key: String, value: JSONValue, requirement: String)
        /// A string that is not one of a closed set of choices.
        case unknownChoice(key: String, value: String, allowed: [String], suggestion: String?)
        /// Anything else about one key (conflicting keys, duplicates, unsafe names); `message`
        /// says what to do.
        case invalid(key: String, message: String)

        public var description: String {
            switch self {
            case .unreadable(let reason):
                return "cannot read the file (\(reason)): check the path"
            case .syntax(let message):
                return "syntax error: \(message.split(whereSeparator: \.isNewline).joined(separator: " "))"
            case .unknownKey(let key, let suggestion):
                return "unknown key '\(key)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
            case .missingKey(let key, let hint):
                return "missing key '\(key)': \(hint)"
            case .wrongType(let key, let expected, let got):
                return "\(key): expected \(expected), got \(got)"
            case .outOfRange(let key, let value, let requirement):
                return "\(key) = \(CanonicalJSON.serialize(value)) is out of range: it must be \(requirement)"
            case .unknownChoice(let key, let value, let allowed, let suggestion):
                let hint = suggestion.map { " (did you mean \"\($0)\"?)" } ?? ""
                return "\(key): unknown value \"\(value)\"\(hint); allowed: \(allowed.joined(separator: ", "))"
            case .invalid(let key, let message):
                return "\(key): \(message)"
            }
        }
    }
}

extension ConfigError {
    init(location: ConfigLocation, problem: Problem) {
        self.init(file: location.file, line: location.line, problem: problem)
    }
}

extension ConfigError.Problem {
    /// The dotted key this problem is about ("" when it concerns the file as a whole).
    var key: String {
        switch self {
        case .unreadable, .syntax: ""
        case .unknownKey(let key, _), .missingKey(let key, _): key
        case .wrongType(let key, _, _), .outOfRange(let key, _, _), .unknownChoice(let key, _, _, _),
            .invalid(let key, _):
            key
        }
    }
}

/// Where a configuration value came from: a file and line, or `--set`.
struct ConfigLocation: Sendable, Equatable {
    var file: String
    var line: Int?
}
