import Foundation
import LinearAlgebra
import Dynamics

/// A tracked or central run's resumable state, `checkpoint.json`: in phase A the instability
/// finder's state; in phase B the tracker's (θ, θ†, v⋆, gradient flow, β trackers, warm starts)
/// or, for a central run, the side-by-side run's (θ, w, k and the warm starts, gradient flow) with
/// its `central.csv` rows; the rows written so far, and the resolved configuration it belongs to. JSON keeps every Double exactly
/// (shortest round-trip digits; NaN and ±inf as strings). Written every `checkpoint_every` seconds
/// and when the run is stopped; removed when it ends. Its size grows with the number of β
/// trackers (one N-vector each, one per 50 tracked steps).
struct TrackedCheckpoint<T: BLASScalar>: Codable {
    static var fileName: String { "checkpoint.json" }

    var config: String
    var precision = T.precisionName
    var finder: InstabilityFinderState<T>?
    var tracker: SelfStabilizationTrackerState?
    var trace: [TraceRecord]
    var tables: TrackingTables
    /// A central run's side-by-side state (phase B) and its `central.csv` rows so far.
    var central: CentralFlowRunState?
    var centralTable: CentralTable?

    init(
        config: String, finder: InstabilityFinderState<T>?, tracker: SelfStabilizationTrackerState?,
        trace: [TraceRecord], tables: TrackingTables, central: CentralFlowRunState? = nil,
        centralTable: CentralTable? = nil
    ) {
        self.config = config
        self.finder = finder
        self.tracker = tracker
        self.trace = trace
        self.tables = tables
        self.central = central
        self.centralTable = centralTable
    }

    private static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    private static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    func write(to directory: RunDirectory) throws(ExperimentError) {
        let data: Data
        do { data = try Self.encoder.encode(self) } catch {
            throw .checkpoint(path: directory.path(Self.fileName), reason: "cannot encode: \(error)")
        }
        try directory.write(Self.fileName, bytes: [UInt8](data))
    }

    /// The checkpoint in `directory`, nil when there is none; an error when it belongs to another
    /// configuration or precision, or cannot be read.
    static func load(from directory: RunDirectory, configJSON: String) throws(ExperimentError) -> TrackedCheckpoint? {
        let path = directory.path(fileName)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let checkpoint: TrackedCheckpoint
        do { checkpoint = try decoder.decode(TrackedCheckpoint.self, from: data) } catch {
            throw .checkpoint(path: path, reason: "malformed (\(error))")
        }
        guard checkpoint.config == configJSON, checkpoint.precision == T.precisionName else {
            throw .checkpoint(path: path, reason: "it belongs to another configuration or precision")
        }
        return checkpoint
    }

    static func remove(from directory: RunDirectory) {
        try? FileManager.default.removeItem(atPath: directory.path(fileName))
    }
}
