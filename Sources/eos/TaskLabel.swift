import Configuration
import SweepJournal

/// A task as a person names it in one line: the first 16 digits of its key and its grid values,
/// e.g. `3f2a9c01d4e5b6a7 (model.seed=1 train.lr=0.1)`.
func taskLabel(_ task: TaskRecord) -> String {
    let leaves = (try? JSONValue(parsing: task.gridJSON))?.dottedLeaves ?? [:]
    let grid = leaves.keys.sorted().map { "\($0)=\(canonicalJSON(leaves[$0]!))" }.joined(separator: " ")
    return String(task.key.prefix(16)) + (grid.isEmpty ? "" : " (\(grid))")
}
