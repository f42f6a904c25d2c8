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
    /// The keys that only some configurations read (`unreadKeys`) are left out while they keep
    /// their default (docs/CONFIGURATION.md §5).
    public func resolvedJSON() -> String {
        CanonicalJSON.prettyPrinted(resolvedJSONValue)
    }

    /// The object `resolvedJSON()` writes: `jsonValue` without `unreadKeys` at their defaults.
    var resolvedJSONValue: JSONValue {
        let defaults = ConfigurationBuilder.defaultLeaves
        let unread = Set(unreadKeys)
        return JSONValue(dottedLeaves: jsonValue.dottedLeaves.filter { !unread.contains($0.key) || defaults[$0.key] != $0.value })
    }

    /// The keys added with the convolutional architectures that this configuration does not read:
    /// `data.shape` when empty, `model.pool` unless arch = cnn, `model.norm` for the mlp,
    /// `model.groups` unless norm = group; and the stop rules `train.loss_goal`,
    /// `train.accuracy_goal`, `train.steps_after_eos`. Left out of `config.json` at their defaults, so the
    /// `config.json` of every configuration accepted before they existed is unchanged, byte for
    /// byte — checkpoints compare it — while a cnn's file names its pooling and normalization.
    var unreadKeys: [String] {
        var keys: [String] = []
        if data.shape.isEmpty { keys.append("data.shape") }
        if model.arch != .cnn { keys.append("model.pool") }
        if model.arch == .mlp { keys.append("model.norm") }
        if model.arch == .mlp || model.norm != .group { keys.append("model.groups") }
        // Added with the stop rules: off at their defaults, so older files are unchanged.
        keys += ["train.loss_goal", "train.accuracy_goal", "train.steps_after_eos"]
        return keys
    }
}
