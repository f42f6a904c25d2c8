import ArgumentParser

/// Where a sweep keeps its files, and whether an edit may leave finished tasks aside: the options
/// `eos sweep` and `eos coordinator` share.
struct SweepFolderOptions: ParsableArguments {
    @Option(help: "Sweep folder (default: runs/<sweep.name>).")
    var out: String?

    @Option(help: "Journal file (default: <out>/journal.sqlite).")
    var journal: String?

    @Flag(
        name: .customLong("allow-stale"),
        help: "Accept a specification that leaves finished tasks out of the grid (they become stale: kept, not run).")
    var allowStale = false
}
