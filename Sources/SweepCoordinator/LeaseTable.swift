import Foundation

/// The coordinator's current leases by token, indexed by holder connection, worker session and
/// task, so that each message costs work in proportion to what it touches, not to the number of
/// leases (a coordinator of thousands of workers holds thousands of leases).
struct LeaseTable {
    private var byID: [String: ActiveLease] = [:]
    private var byHolder: [Data: Set<String>] = [:]
    private var bySession: [String: Set<String>] = [:]
    private var byTask: [String: String] = [:]

    var count: Int { byID.count }
    var all: Dictionary<String, ActiveLease>.Values { byID.values }

    subscript(id: String) -> ActiveLease? { byID[id] }

    /// The lease of `taskKey`, if it has one (a task has at most one current lease).
    func lease(ofTask taskKey: String) -> ActiveLease? { byTask[taskKey].flatMap { byID[$0] } }

    /// The leases held by connection `routingID`.
    func held(by routingID: Data) -> [ActiveLease] { (byHolder[routingID] ?? []).compactMap { byID[$0] } }

    func isHolder(_ routingID: Data) -> Bool { !(byHolder[routingID]?.isEmpty ?? true) }

    /// The leases granted to worker session `token`, on whichever connection.
    func granted(toSession token: String) -> [ActiveLease] { (bySession[token] ?? []).compactMap { byID[$0] } }

    mutating func insert(_ lease: ActiveLease) {
        remove(lease.leaseID)
        if let previous = byTask[lease.taskKey] { remove(previous) }
        byID[lease.leaseID] = lease
        byTask[lease.taskKey] = lease.leaseID
        if let holder = lease.routingID { byHolder[holder, default: []].insert(lease.leaseID) }
        if let session = lease.session { bySession[session, default: []].insert(lease.leaseID) }
    }

    @discardableResult
    mutating func remove(_ id: String) -> ActiveLease? {
        guard let lease = byID.removeValue(forKey: id) else { return nil }
        if byTask[lease.taskKey] == id { byTask[lease.taskKey] = nil }
        if let holder = lease.routingID { Self.drop(id, from: holder, in: &byHolder) }
        if let session = lease.session { Self.drop(id, from: session, in: &bySession) }
        return lease
    }

    /// Moves lease `id` to connection `holder` (nil: no connection holds it).
    mutating func setHolder(_ id: String, _ holder: Data?) {
        guard let lease = byID[id], lease.routingID != holder else { return }
        if let old = lease.routingID { Self.drop(id, from: old, in: &byHolder) }
        byID[id]?.routingID = holder
        if let holder { byHolder[holder, default: []].insert(id) }
    }

    /// Changes a lease in place (its progress or deadlines; not its holder, session or task).
    mutating func update(_ id: String, _ change: (inout ActiveLease) -> Void) {
        guard var lease = byID[id] else { return }
        change(&lease)
        byID[id] = lease
    }

    /// A valid message from `routingID`: the leases it holds last until `now + duration`.
    mutating func heard(_ routingID: Data, now: Double, duration: Double) {
        for id in byHolder[routingID] ?? [] {
            guard let expiresAt = byID[id]?.expiresAt else { continue }
            byID[id]?.expiresAt = max(expiresAt, now + duration)
        }
    }

    /// Connection `routingID` is forgotten: its leases stay, held by no connection, until they
    /// expire or a connection proves one by its token.
    mutating func release(holder routingID: Data) {
        for id in byHolder.removeValue(forKey: routingID) ?? [] { byID[id]?.routingID = nil }
    }

    private static func drop<Key: Hashable>(_ id: String, from key: Key, in index: inout [Key: Set<String>]) {
        index[key]?.remove(id)
        if index[key]?.isEmpty == true { index[key] = nil }
    }
}
