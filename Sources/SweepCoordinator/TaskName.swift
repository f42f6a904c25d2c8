import Configuration

/// How logs and displays name a task: by its grid values, with the first digits of its key to
/// tell apart tasks of equal grid values (a re-specified sweep) — e.g.
/// `train.lr=0.1 model.width=32 (3f2a9c01)`.
public enum TaskName {
    /// The grid values of a task's grid JSON (an object of dotted key → value, as the journal
    /// stores it), `key=value` separated by spaces in the object's order; "" for an empty grid.
    public static func gridValues(_ gridJSON: String) -> String {
        guard let grid = try? JSONValue(parsing: gridJSON), case .object(let members) = grid else { return "" }
        return members.keys.sorted().map { key in
            let value = members[key]!
            if case .string(let s) = value { return "\(key)=\(s)" }
            return "\(key)=\(canonicalJSON(value))"
        }.joined(separator: " ")
    }

    /// Grid values and the key's first 8 digits; the first 16 digits alone without a grid.
    public static func label(key: String, gridJSON: String) -> String {
        let values = gridValues(gridJSON)
        return values.isEmpty ? String(key.prefix(16)) : "\(values) (\(key.prefix(8)))"
    }
}
