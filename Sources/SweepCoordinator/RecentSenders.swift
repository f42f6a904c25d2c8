import Foundation

/// Routing ids remembered for a while (the senders of malformed messages, whose next messages
/// are dropped unread): at most `capacity`, each for `lifetime` seconds, the oldest forgotten
/// first, so that any number of hostile connections costs bounded memory.
struct RecentSenders {
    let capacity: Int
    let lifetime: Double
    private var added: [Data: Double] = [:]
    /// Insertion order (may hold ids already forgotten; compacted when it grows).
    private var order: [(routingID: Data, time: Double)] = []
    private var head = 0

    init(capacity: Int, lifetime: Double) {
        precondition(capacity >= 1 && lifetime > 0, "RecentSenders: capacity ≥ 1, lifetime > 0")
        self.capacity = capacity
        self.lifetime = lifetime
    }

    var count: Int { added.count }

    func contains(_ routingID: Data, now: Double) -> Bool {
        guard let time = added[routingID] else { return false }
        return now - time < lifetime
    }

    mutating func insert(_ routingID: Data, now: Double) {
        added[routingID] = now
        order.append((routingID, now))
        while added.count > capacity { dropOldest() }
        forgetExpired(now: now)
    }

    /// Forgets the ids older than `lifetime`.
    mutating func forgetExpired(now: Double) {
        while head < order.count, now - order[head].time >= lifetime { dropOldest() }
    }

    private mutating func dropOldest() {
        guard head < order.count else { return }
        let (routingID, time) = order[head]
        head += 1
        if added[routingID] == time { added[routingID] = nil }
        if head > 64 && head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
