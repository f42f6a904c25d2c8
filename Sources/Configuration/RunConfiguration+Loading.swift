import Foundation

extension RunConfiguration {
    /// Loads a run configuration from TOML text, then applies `overrides` (`--set` values,
    /// `KEY=VALUE` with a dotted key and a TOML value, later ones winning). Missing keys keep
    /// their defaults. `file` names the text in error messages.
    public static func load(
        tomlText: String, file: String,
        overrides: [String] = []
    ) throws(ConfigError) -> RunConfiguration {
        let document = try TOMLDocument(text: tomlText, file: file)
        var builder = ConfigurationBuilder()
        try builder.apply(document.root, locate: document.location(of:))
        for override in overrides {
            try builder.apply(override: override)
        }
        return try builder.build(defaultLocation: ConfigLocation(file: file, line: nil))
    }

    /// Loads the TOML file at `path` (named by `path` in error messages), then applies `overrides`.
    public static func load(path: String, overrides: [String] = []) throws(ConfigError) -> RunConfiguration {
        try load(tomlText: readConfigurationFile(path), file: path, overrides: overrides)
    }

    /// Decodes and validates a config JSON (`config.json`, or the one a worker receives):
    /// a nested object as `resolvedJSON()` writes; missing keys take their defaults.
    public init(json: String, file: String = "config.json") throws(ConfigError) {
        let tree: JSONValue
        do {
            tree = try JSONValue(parsing: json)
        } catch {
            throw ConfigError(file: file, line: nil, problem: .syntax("not valid JSON"))
        }
        var builder = ConfigurationBuilder()
        let location = ConfigLocation(file: file, line: nil)
        try builder.apply(tree, locate: { _ in location })
        self = try builder.build(defaultLocation: location)
    }
}

/// The UTF-8 text of the file at `path`.
func readConfigurationFile(_ path: String) throws(ConfigError) -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        let reason = FileManager.default.fileExists(atPath: path) ? "permission denied or a folder" : "no such file"
        throw ConfigError(file: path, line: nil, problem: .unreadable(reason: reason))
    }
    guard let text = String(data: data, encoding: .utf8) else {
        throw ConfigError(file: path, line: nil, problem: .unreadable(reason: "not UTF-8 text"))
    }
    return text
}
