import Synchronization

/// Lines about connections refused by ZAP, appended on the ZAP handler's thread and taken by the
/// coordinator loop, which alone may touch the state machine (its rate limit and journal). Holds at most `capacity` lines; more are counted.
final class RefusalQueue: Sendable {
    static let capacity = 256
    private let state = Mutex<(lines: [String], dropped: Int)>(([], 0))

    func append(_ line: String) {
        state.withLock { state in
            if state.lines.count < Self.capacity { state.lines.append(line) } else { state.dropped += 1 }
        }
    }

    /// The queued lines (and one counting those that did not fit), emptying the queue.
    func takeAll() -> [String] {
        state.withLock { state in
            var lines = state.lines
            if state.dropped > 0 { lines.append("\(state.dropped) more connections refused") }
            state = ([], 0)
            return lines
        }
    }
}
