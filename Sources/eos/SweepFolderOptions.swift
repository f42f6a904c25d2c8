import ArgumentParser

/// Where a sweep keeps its files: the options `eos sweep` and `eos coordinator` share.
struct SweepFolderOptions: ParsableArguments {
    @Option(help: "Sweep folder (default: runs/<sweep.name>).")
    var out: String?

    @Option(help: "Journal file (default: <out>/journal.sqlite).")
    var journal: String?
}
