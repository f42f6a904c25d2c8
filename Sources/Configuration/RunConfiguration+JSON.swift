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
        resolvedJSON(jsonValue)
    }

    /// `resolvedJSON()` from this configuration's `jsonValue`, computed once by a caller that
    /// also needs it (a sweep's expansion: the task key too).
    func resolvedJSON(_ json: JSONValue) -> String {
        CanonicalJSON.prettyPrinted(resolvedJSONValue(json))
    }

    /// The object `resolvedJSON()` writes: `jsonValue` without `unreadKeys` at their defaults.
    var resolvedJSONValue: JSONValue { resolvedJSONValue(jsonValue) }

    private func resolvedJSONValue(_ json: JSONValue) -> JSONValue {
        let defaults = ConfigurationBuilder.defaultLeaves
        let unread = Set(unreadKeys)
        return json.removingLeaves { key, value in unread.contains(key) && defaults[key] == value }
    }

    /// The keys that this configuration does not read, left out of `config.json` at their
    /// defaults, so the `config.json` of every configuration accepted before they existed is
    /// unchanged, byte for byte — checkpoints compare it — while a cnn's file names its pooling
    /// and normalization, a transformer's its heads:
    /// - the keys added with the convolutional architectures: `data.shape` when empty,
    ///   `model.pool` unless arch = cnn, `model.norm` for the mlp and the transformer,
    ///   `model.groups` unless norm = group;
    /// - the keys added with the transformer: `data.vocab` and `data.length` unless
    ///   data.name = tokens, `model.heads` unless arch = transformer;
    /// - with data.name = tokens (new, so without earlier files to match) every data key it
    ///   does not read: `classes_subset`, `standardize`, `standardize_from`, `dim`, `classes`,
    ///   `path` — its `config.json` does not claim a standardization it never applies;
    /// - the keys added with the optimizers: `train.optimizer` for gd, `train.momentum` unless
    ///   the optimizer is polyak, nesterov or adam, `train.beta2` and `train.epsilon` unless it
    ///   is rmsprop or adam (an adam run's file names its β₁, β₂ and ε);
    /// - the stop rules `train.loss_goal`, `train.accuracy_goal`, `train.steps_after_eos` (off at
    ///   their defaults);
    /// - every `[central]` key unless `central.enabled` (a central run's file names its table).
    var unreadKeys: [String] {
        var keys: [String] = []
        if data.shape.isEmpty { keys.append("data.shape") }
        if model.arch != .cnn { keys.append("model.pool") }
        if model.arch == .mlp || model.arch == .transformer { keys.append("model.norm") }
        if model.arch == .mlp || model.norm != .group { keys.append("model.groups") }
        if data.name == .tokens {
            keys += ["classes_subset", "standardize", "standardize_from", "dim", "classes", "path"].map { "data." + $0 }
        } else {
            keys += ["data.vocab", "data.length"]
        }
        if model.arch != .transformer { keys.append("model.heads") }
        if train.optimizer == .gd { keys.append("train.optimizer") }
        if !train.optimizer.readsMomentum { keys.append("train.momentum") }
        if !train.optimizer.isAdaptive { keys += ["train.beta2", "train.epsilon"] }
        // Added with the stop rules: off at their defaults, so older files are unchanged.
        keys += ["train.loss_goal", "train.accuracy_goal", "train.steps_after_eos"]
        if !central.enabled { keys += ConfigurationSchema.keys.filter { $0.hasPrefix("central.") } }
        return keys
    }
}
