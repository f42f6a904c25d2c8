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
    public var nonDefaultJSON: JSONValue { Self.nonDefaultJSON(leaves: jsonValue.dottedLeaves) }

    /// `nonDefaultJSON` from a configuration's `jsonValue.dottedLeaves`.
    static func nonDefaultJSON(leaves: [String: JSONValue]) -> JSONValue {
        let defaults = ConfigurationBuilder.defaultLeaves
        return JSONValue(dottedLeaves: leaves.filter { defaults[$0.key] != $0.value })
    }

    /// The task key and `config.json` text from one encoding of the configuration (a sweep
    /// computes both for every task; the encoding is most of their cost).
    func keyAndResolvedJSON() -> (key: String, configJSON: String) {
        let leaves = jsonValue.dottedLeaves
        return (SHA256.hexDigest(canonicalJSON(Self.nonDefaultJSON(leaves: leaves)).utf8), resolvedJSON(leaves: leaves))
    }
}
