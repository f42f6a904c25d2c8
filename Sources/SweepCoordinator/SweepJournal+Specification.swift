import Configuration
import SweepJournal

extension SweepJournal {
    /// Synchronizes the journal with a sweep specification: each task's key, its `config.json`
    /// text, and its grid point as a canonical JSON object of dotted key → value.
    public func synchronize(_ specification: SweepSpecification, specText: String, toolVersion: String, now: Double)
        throws(JournalError) -> SynchronizationCounts
    {
        try synchronize(
            sweepName: specification.name, specText: specText, toolVersion: toolVersion,
            tasks: specification.tasks.map { task in
                let grid = JSONValue.object(
                    Dictionary(
                        task.gridValues.map { ($0.key, $0.value) },
                        uniquingKeysWith: { first, _ in first }))
                return (key: task.key, configJSON: task.configJSON, gridJSON: canonicalJSON(grid))
            },
            now: now)
    }
}
