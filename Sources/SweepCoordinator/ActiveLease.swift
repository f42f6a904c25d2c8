import Foundation

/// A lease handed out by this coordinator process: the protocol's numeric lease id stands for
/// the journal's lease id text.
struct ActiveLease {
    var taskKey: String
    /// The journal's lease id (32 hex digits).
    var journalLeaseID: String
    /// The routing id of the worker that holds it (updated when the worker reconnects).
    var routingID: Data
    /// GD steps done and planned, from the worker's latest heartbeat.
    var step = 0
    var totalSteps = 0

    /// The protocol lease id of a journal lease id: its first 15 hex digits (60 bits, so ≥ 0).
    static func protocolID(_ journalLeaseID: String) -> Int64 {
        Int64(journalLeaseID.prefix(15), radix: 16) ?? 0
    }
}
