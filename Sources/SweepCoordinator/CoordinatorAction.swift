import Foundation
import SweepProtocol

/// What the coordinator's state machine asks its poll loop to do.
public enum CoordinatorAction: Equatable, Sendable {
    /// Send `message` to the worker with ROUTER routing id `to`.
    case send(to: Data, CoordinatorMessage)
    /// Write one line to the coordinator's log.
    case log(String)
}
