/// The host's side of a run's `observe` callback, the same for a plain GD run and both phases of
/// a tracked one: after each row it asks whether to stop (SIGTERM), reports progress with the
/// latest measured sharpness, appends the new rows to the live files, and writes the periodic
/// checkpoint when one is due.
struct RunHost {
    private let options: ExperimentOptions
    private var checkpoints: CheckpointSchedule
    private let live: LiveFiles
    private var latestSharpness: Double?
    /// True once the host asked the run to stop; the run then ends with `StopReason.signal`.
    private(set) var stopped = false

    /// A host for a run in `directory` whose trace so far (a resumed checkpoint's) is `trace`,
    /// and `track.csv` so far `track` (a tracked run resumed in phase B): the live files start
    /// with them at once.
    init(options: ExperimentOptions, trace: TraceTable, directory: RunDirectory, track: String? = nil) {
        self.options = options
        checkpoints = CheckpointSchedule(options: options)
        latestSharpness = trace.rows.last(where: { !$0.sharpness.isEmpty })?.sharpness.first
        live = LiveFiles(directory: directory, interval: options.liveInterval, warn: options.warn)
        live.publish(trace: trace.text, track: track, force: true)
    }

    /// The live files' texts so far: written out when `ExperimentOptions.liveInterval` has passed.
    func publish(trace: TraceTable, track: String? = nil) {
        live.publish(trace: trace.text, track: track)
    }

    /// True (and remembered in `stopped`) when the run should stop now.
    mutating func shouldStop() -> Bool {
        if options.shouldStop?() == true { stopped = true }
        return stopped
    }

    /// Reports the row of `step` (of `total`) in `phase`; `sharpness`, where this row measured
    /// one, becomes the latest shown.
    mutating func report(step: Int, of total: Int, phase: String, loss: Double, sharpness: Double?) {
        if let sharpness { latestSharpness = sharpness }
        options.progress?(RunProgress(step: step, totalSteps: total, phase: phase, loss: loss, sharpness: latestSharpness))
    }

    /// Writes a checkpoint with `write` when one is due; a failure is warned about, not thrown.
    mutating func checkpointIfDue(_ write: () throws(ExperimentError) -> Void) {
        checkpoints.writeIfDue(write)
    }

    /// The last periodic checkpoint that could not be written, for the summary; nil if none.
    var checkpointFailure: String? { checkpoints.failure }
}
