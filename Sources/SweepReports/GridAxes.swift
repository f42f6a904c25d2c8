import Configuration

/// How a figure lays out a sweep's grid: `first` is η (train.lr) when it is an axis, `second`
/// the width (model.width) when it is one, otherwise the grid's axes in order; the remaining
/// axes are `facets`, one group of runs per combination of their values.
struct GridAxes {
    let first: String?
    let second: String?
    let facets: [String]

    init(gridKeys: [String]) {
        var rest = gridKeys
        let first = rest.contains("train.lr") ? "train.lr" : rest.first
        rest.removeAll { $0 == first }
        let second = rest.contains("model.width") ? "model.width" : rest.first
        rest.removeAll { $0 == second }
        (self.first, self.second, facets) = (first, second, rest)
    }

    /// The distinct values of `key` over `runs`, in grid order (numbers ascending).
    static func values(of key: String, in runs: [ReportRun]) -> [JSONValue] {
        var seen: [JSONValue] = []
        for run in runs {
            let value = run.grid[key] ?? .null
            if !seen.contains(value) { seen.append(value) }
        }
        return seen.sorted(by: JSONValue.ordered)
    }

    /// The runs grouped by their facet values, groups ordered by those values; one group with
    /// an empty label when there are no facets.
    func facetGroups(_ runs: [ReportRun]) -> [(label: String, runs: [ReportRun])] {
        guard !facets.isEmpty else { return [("", runs)] }
        var groups: [(values: [JSONValue], runs: [ReportRun])] = []
        for run in runs {
            let values = facets.map { run.grid[$0] ?? .null }
            if let index = groups.firstIndex(where: { $0.values == values }) {
                groups[index].runs.append(run)
            } else {
                groups.append((values, [run]))
            }
        }
        groups.sort { a, b in
            for (x, y) in zip(a.values, b.values) where x != y { return JSONValue.ordered(x, y) }
            return false
        }
        return groups.map { group in
            (zip(facets, group.values).map { "\($0)=\($1.label)" }.joined(separator: " "), group.runs)
        }
    }

    /// The axis as a reader knows it: "η" for train.lr, "width" for model.width, else the dotted key.
    static func name(_ key: String) -> String {
        switch key {
        case "train.lr": "η"
        case "model.width": "width"
        default: key
        }
    }
}
