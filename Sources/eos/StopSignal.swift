import Foundation
import Synchronization

/// SIGTERM and SIGINT as a flag the compute loop polls: the run stops at the next step boundary,
/// writes a checkpoint and a complete run directory (status `stopped`) instead of dying mid-file.
enum StopSignal {
    private static let requested = Atomic<Bool>(false)
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Installs the handlers (once, from the main thread before work starts).
    static func install() {
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { requested.store(true, ordering: .relaxed) }
            source.resume()
            sources.append(source)
        }
    }

    static var isRequested: Bool { requested.load(ordering: .relaxed) }
}
