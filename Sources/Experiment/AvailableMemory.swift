import Foundation

/// The memory this process may still take: the smaller of the kernel's estimate of what can be
/// allocated without swapping (`MemAvailable` in /proc/meminfo) and the room left under its
/// cgroup's memory limit (v2 `memory.max − memory.current`, v1 `memory.limit_in_bytes −
/// memory.usage_in_bytes`). Linux only; elsewhere `current` is nil.
public struct AvailableMemory: Sendable, Equatable {
    public let bytes: Double
    /// Where the figure comes from, e.g. "MemAvailable" or "cgroup memory.max".
    public let source: String

    public init(bytes: Double, source: String) {
        self.bytes = bytes
        self.source = source
    }

    /// Read now; nil when /proc/meminfo is unreadable.
    public static var current: AvailableMemory? {
        guard let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
            let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
        else { return nil }
        var best = AvailableMemory(bytes: kilobytes * 1024, source: "MemAvailable")
        if let cgroup = cgroupRoom, cgroup.bytes < best.bytes { best = cgroup }
        return best
    }

    /// The room under the cgroup limit of this process, if it has one.
    static var cgroupRoom: AvailableMemory? {
        guard let membership = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) else { return nil }
        func number(_ path: String) -> Double? {
            (try? String(contentsOfFile: path, encoding: .utf8))
                .flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        for line in membership.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let group = String(fields[2])
            if fields[0] == "0" && fields[1].isEmpty {
                // v2: the limit of this group or the nearest limited ancestor.
                var folder = group
                while true {
                    let base = "/sys/fs/cgroup" + (folder == "/" ? "" : folder)
                    if let limit = number(base + "/memory.max"), let used = number(base + "/memory.current") {
                        return AvailableMemory(bytes: max(0, limit - used), source: "cgroup memory.max")
                    }
                    if folder == "/" || folder.isEmpty { break }
                    folder = (folder as NSString).deletingLastPathComponent
                }
            } else if fields[1].split(separator: ",").contains("memory") {
                for base in ["/sys/fs/cgroup/memory" + group, "/sys/fs/cgroup/memory"] {
                    if let limit = number(base + "/memory.limit_in_bytes"), let used = number(base + "/memory.usage_in_bytes"),
                        limit < 1e18
                    {
                        return AvailableMemory(bytes: max(0, limit - used), source: "cgroup memory.limit_in_bytes")
                    }
                }
            }
        }
        return nil
    }
}
