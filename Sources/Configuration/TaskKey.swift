/// The task key of a configuration: the lowercase 64-hex SHA-256 of the RFC 8785 canonical JSON
/// of its nested resolved configuration with default-valued leaves removed, then tables left
/// empty removed (docs/CONFIGURATION.md §4). So the all-defaults configuration has the key SHA-256("{}"),
/// and a key added later with a default changes no existing key.
public func taskKey(_ configuration: RunConfiguration) -> String {
    SHA256.hexDigest(canonicalJSON(configuration.nonDefaultJSON).utf8)
}

extension RunConfiguration {
    /// The sweep task key of this configuration (see `taskKey(_:)`).
    public var taskKey: String { Configuration.taskKey(self) }

    /// The nested object of the keys whose value differs from the default (no empty tables).
    public var nonDefaultJSON: JSONValue { Self.nonDefaultJSON(jsonValue) }

    /// `nonDefaultJSON` from this configuration's `jsonValue`.
    static func nonDefaultJSON(_ json: JSONValue) -> JSONValue {
        let defaults = ConfigurationBuilder.defaultLeaves
        return json.removingLeaves { key, value in defaults[key] == value }
    }

    /// The task key and `config.json` text from one encoding of the configuration (a sweep
    /// computes both for every task).
    func keyAndResolvedJSON() -> (key: String, configJSON: String) {
        let json = jsonValue
        return (SHA256.hexDigest(canonicalJSON(Self.nonDefaultJSON(json)).utf8), resolvedJSON(json))
    }
}
