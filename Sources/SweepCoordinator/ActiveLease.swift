import Foundation
import SweepProtocol

/// A lease this coordinator process knows the holder of: the connection it was handed to (or,
/// after a coordinator restart, the connection that proved it with the lease token).
struct ActiveLease {
    /// The TASK the holder was sent; sent again, from memory, when the holder asks READY again.
    /// Its `leaseID` is the lease token (the journal's lease id, 128 random bits).
    var assignment: CoordinatorMessage.TaskAssignment
    /// The routing id of the connection that holds it.
    var routingID: Data
    /// GD steps done and planned, from the holder's latest heartbeat.
    var step = 0
    var totalSteps = 0
    /// Unix seconds of the holder's latest valid message; the journal deadline is
    /// `heardAt + lease duration` once renewed.
    var heardAt: Double
    /// `heardAt` as of the last renewal written to the journal.
    var renewedAt: Double

    var taskKey: String { assignment.taskKey }
    var leaseID: String { assignment.leaseID }
}
