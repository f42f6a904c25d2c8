import Foundation
import SweepProtocol

/// A current lease as the coordinator keeps it in memory: every lease of the journal is here
/// (loaded when the machine starts, added at each grant), whether or not its holder is known.
/// Its deadline lives here; the journal gets it coarsely (docs/ARCHITECTURE.md §6).
struct ActiveLease {
    /// The TASK the holder was sent; sent again, from memory, when the holder asks READY again.
    /// Its `leaseID` is the lease token (the journal's lease id, 76 random bits).
    var assignment: CoordinatorMessage.TaskAssignment
    /// The routing id of the connection that holds it; nil when no connection does (a previous
    /// coordinator granted it, or its holder was forgotten) until a connection proves it by token.
    var routingID: Data?
    /// How logs and displays name the task (its grid values).
    var label: String
    /// The session token of the worker it was granted to (READY `session`), if it sent one: a
    /// newer connection of that worker that asks READY gets this lease's TASK again.
    var session: String?
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
    /// Unix seconds after which the lease expires: the holder's latest valid message + the lease
    /// duration (for a lease loaded at start: the journal's deadline, at least start + duration).
    var expiresAt: Double
    /// The deadline the journal holds: written at the grant and then once the in-memory deadline
    /// reaches it, as `expiresAt` + one lease duration, so it never lies before the true one.
    var persistedDeadline: Double

    var taskKey: String { assignment.taskKey }

    /// GD steps per second between the first and the latest report; nil before they differ.
    var stepsPerSecond: Double? {
        guard let first = firstReport, let last = lastReport, last > first.time, step > first.step else { return nil }
        return Double(step - first.step) / (last - first.time)
    }
    var leaseID: String { assignment.leaseID }
}
