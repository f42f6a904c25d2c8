import Configuration

/// The configuration in one line for figure titles: data, model, loss, η and precision, e.g.
/// "digits n=1000 · mlp depth 2 width 64 tanh · mse · η=0.25 · 1000 steps · float64" (a
/// transformer's adds "heads h", config.json having `model.heads` only for it).
/// Keys in `excluding` (the grid's axes, shown elsewhere) are left out.
enum ConfigSummary {
    static func line(_ config: [String: JSONValue], excluding: Set<String> = []) -> String {
        func value(_ key: String, _ format: (String) -> String = { $0 }) -> String? {
            guard !excluding.contains(key), let value = config[key], value != .null else { return nil }
            return format(value.label)
        }
        var data = [value("data.name"), value("data.n") { $0 == "0" ? "n=all" : "n=\($0)" }].compactMap { $0 }
        if let subset = value("data.classes_subset"), subset != "[]" { data.append("classes \(subset)") }
        let model = [
            value("model.arch"), value("model.depth") { "depth \($0)" }, value("model.width") { "width \($0)" },
            value("model.heads") { "heads \($0)" }, value("model.activation"),
        ].compactMap { $0 }
        let parts = [
            data.joined(separator: " "), model.joined(separator: " "), value("loss.name") ?? "",
            value("train.lr") { "η=\($0)" } ?? "", value("train.steps") { "\($0) steps" } ?? "",
            value("train.precision") ?? "",
        ]
        return parts.filter { !$0.isEmpty }.joined(separator: " · ")
    }
}
