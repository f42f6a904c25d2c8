extension RunConfiguration {
    /// This configuration as a nested JSON object: every key, snake_case, defaults included.
    public var jsonValue: JSONValue {
        do {
            return try JSONValue(encoding: self)
        } catch {
            preconditionFailure("RunConfiguration failed to encode: \(error)")
        }
    }

    /// `config.json`: the fully resolved configuration, nested as in TOML, defaults included,
    /// keys sorted, two-space indentation, numbers as in canonical JSON (`1e-8`, `1000000`).
    public func resolvedJSON() -> String {
        CanonicalJSON.prettyPrinted(jsonValue)
    }
}
