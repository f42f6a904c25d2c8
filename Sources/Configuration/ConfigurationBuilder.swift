import Foundation
import TOMLKit

/// Assembles a run configuration from layers — defaults, a file's values, `--set` overrides,
/// sweep grid values — checking every value as it comes and remembering where each key was
/// last set, so that an error names the right file and line.
struct ConfigurationBuilder: Sendable {
    /// The value of every key, in normal form, as a nested object (what is decoded, without
    /// nesting dotted keys again for every configuration of a sweep); starts as the defaults.
    private(set) var values: JSONValue = ConfigurationBuilder.defaultValues
    /// Where each key was last set (absent: still the default).
    private(set) var sources: [String: ConfigLocation] = [:]

    /// The defaults of every key, from `RunConfiguration()`.
    static let defaultValues: JSONValue = RunConfiguration().jsonValue
    /// `defaultValues` by dotted key.
    static let defaultLeaves: [String: JSONValue] = defaultValues.dottedLeaves

    /// Sets every key of `tree` (a nested object), located by `locate`; `prefix` is the path of
    /// `tree` itself. Keys are visited in file order, so the first bad one is reported.
    mutating func apply(
        _ tree: JSONValue, prefix: String = "",
        locate: (String) -> ConfigLocation
    ) throws(ConfigError) {
        if let rule = ConfigurationSchema.rulesByKey[prefix] {
            do {
                values.setLeaf(try rule.check(tree), at: prefix)
            } catch {
                throw ConfigError(location: locate(prefix), problem: error)
            }
            sources[prefix] = locate(prefix)
            return
        }
        guard ConfigurationSchema.isTable(prefix) else {
            let suggestion = Suggestion.closest(to: prefix, among: ConfigurationSchema.names)
            throw ConfigError(location: locate(prefix), problem: .unknownKey(prefix, suggestion: suggestion))
        }
        guard case .object(let members) = tree else {
            throw ConfigError(location: locate(prefix), problem: .wrongType(key: prefix, expected: "a table", got: tree))
        }
        let paths = members.keys.map { (key: $0, path: prefix.isEmpty ? $0 : prefix + "." + $0) }
        let ordered = paths.sorted { (locate($0.path).line ?? .max, $0.path) < (locate($1.path).line ?? .max, $1.path) }
        for (key, path) in ordered {
            try apply(members[key]!, prefix: path, locate: locate)
        }
    }

    /// Applies one `--set KEY=VALUE`: KEY is a dotted key, VALUE a TOML value (`0.1`, `[4, 9]`,
    /// `"x"`); a VALUE that is not valid TOML, or any unquoted VALUE of a string key, is taken
    /// as a string (`--set data.name=digits`).
    mutating func apply(override: String) throws(ConfigError) {
        let location = ConfigLocation(file: "--set", line: nil)
        guard let equals = override.firstIndex(of: "=") else {
            throw ConfigError(
                location: location,
                problem: .invalid(
                    key: override, message: "expected KEY=VALUE, e.g. --set train.lr=0.1"))
        }
        let key = override[..<equals].trimmingCharacters(in: .whitespaces)
        let text = override[override.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        guard let rule = ConfigurationSchema.rulesByKey[key] else {
            let suggestion = Suggestion.closest(to: key, among: ConfigurationSchema.keys)
            throw ConfigError(location: location, problem: .unknownKey(key, suggestion: suggestion))
        }
        var value = JSONValue.string(text)
        if let table = try? TOMLTable(string: "value = " + text), let parsed = table["value"],
            let converted = try? TOMLDocument.convert(parsed, path: key)
        {
            switch (rule.kind, converted) {
            case (.string, .string), (.choice, .string): value = converted
            case (.string, _), (.choice, _): value = .string(text)
            default: value = converted
            }
        }
        do {
            values.setLeaf(try rule.check(value), at: key)
        } catch {
            throw ConfigError(location: location, problem: error)
        }
        sources[key] = location
    }

    /// The configuration of the keys as set, before `data.shape` is applied and before the
    /// checks that involve several keys (a sweep's base: only its tasks must pass them).
    func decoded() -> RunConfiguration {
        do {
            return try values.decode(as: RunConfiguration.self)
        } catch {
            preconditionFailure("a checked configuration failed to decode: \(error)")
        }
    }

    /// The configuration, with `data.shape` applied (it sets `data.dim` unless that was set too),
    /// RMSprop's default α as `train.beta2` when that is not set, and after the checks that involve several keys. A problem is located where its key was
    /// set, else where the first of its related keys was (`ConfigurationSchema.relatedKeys`),
    /// else at `defaultLocation`.
    func build(defaultLocation: ConfigLocation) throws(ConfigError) -> RunConfiguration {
        var configuration = decoded()
        do {
            try ConfigurationSchema.resolveShape(&configuration, dimIsSet: sources["data.dim"] != nil)
            ConfigurationSchema.resolveOptimizer(&configuration, beta2IsSet: sources["train.beta2"] != nil)
            try ConfigurationSchema.checkConsistency(configuration)
        } catch {
            let keys = [error.key] + (ConfigurationSchema.relatedKeys[error.key] ?? [])
            let location = keys.lazy.compactMap { sources[$0] }.first ?? defaultLocation
            throw ConfigError(location: location, problem: error)
        }
        return configuration
    }
}
