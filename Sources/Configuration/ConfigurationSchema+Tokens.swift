/// The `tokens` data set's keys (docs/CONFIGURATION.md §2.1): `data.vocab` and `data.length`
/// belong to it alone, and it reads none of the image data sets' keys.
extension ConfigurationSchema {
    /// Checks the data keys against `data.name`:
    /// - `data.vocab` and `data.length` are read by `tokens` only: another data set refuses a
    ///   value other than their default;
    /// - `tokens` reads only `name`, `n`, `seed`, `vocab` and `length`: any other data key at a value other than its
    ///   default is refused (token ids are never standardized, the task is binary by
    ///   construction, the ids need no path, dimension, class count or shape), so no two task
    ///   keys name the same computation. `data.shape` is refused earlier, by `resolveShape`.
    static func checkTokenKeys(_ data: RunConfiguration.DataSettings) throws(ConfigError.Problem) {
        let defaults = RunConfiguration.DataSettings()
        guard data.name == .tokens else {
            for (key, isDefault) in [("vocab", data.vocab == defaults.vocab), ("length", data.length == defaults.length)] where !isDefault {
                throw .invalid(
                    key: "data.\(key)",
                    message: "only the tokens data set reads it (data.name = \"\(data.name.rawValue)\"); "
                        + "remove it or set data.name = \"tokens\"")
            }
            return
        }
        let unread: [(key: String, isDefault: Bool, reason: String)] = [
            ("classes_subset", data.classesSubset == defaults.classesSubset, "the tokens task is binary by construction: score > 0 is +1"),
            ("standardize", data.standardize == defaults.standardize, "token ids are never standardized"),
            ("standardize_from", data.standardizeFrom == defaults.standardizeFrom, "token ids are never standardized"),
            ("dim", data.dim == defaults.dim, "a sequence has data.length token ids"),
            ("classes", data.classes == defaults.classes, "the tokens task has two classes"),
            ("path", data.path == defaults.path, "the tokens data set is generated from data.seed"),
        ]
        if let key = unread.first(where: { !$0.isDefault }) {
            throw .invalid(
                key: "data.\(key.key)",
                message: "data.name = \"tokens\" does not read it (\(key.reason)); remove it "
                    + "(tokens reads data.n, data.seed, data.vocab and data.length)")
        }
    }
}
