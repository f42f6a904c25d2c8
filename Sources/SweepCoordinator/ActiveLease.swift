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
    /// How logs and displays name the task (its grid values).
    var label: String
    /// The session token of the worker it was granted to (READY `session`), if it sent one: a
    /// newer connection of that worker that asks READY gets this lease's TASK again.
    var session: String? = nil
    /// GD steps done and planned, phase, loss and sharpness from the holder's latest heartbeat.
    var step = 0
    var totalSteps = 0
    var phase = ""
    var loss: Double?
    var sharpness: Double?
    /// Time and step of the first progress report under this lease, and time of the latest:
    /// the step rate is measured between them.
    var firstReport: (time: Double, step: Int)?
    var lastReport: Double?
    /// Unix seconds of the holder's latest valid message; the journal deadline is
    /// `heardAt + lease duration` once renewed.
    var heardAt: Double
    /// `heardAt` as of the last renewal written to the journal.
    var renewedAt: Double

    var taskKey: String { assignment.taskKey }

    /// GD steps per second between the first and the latest report; nil before they differ.
    var stepsPerSecond: Double? {
        guard let first = firstReport, let last = lastReport, last > first.time, step > first.step else { return nil }
        return Double(step - first.step) / (last - first.time)
    }
    var leaseID: String { assignment.leaseID }
}
