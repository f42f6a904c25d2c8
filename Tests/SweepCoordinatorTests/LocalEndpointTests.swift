import SweepCoordinator
import Testing

@Suite("Local sweep endpoint")
struct LocalEndpointTests {
    @Test("ipc://<out>/coordinator.ipc when it fits a socket address")
    func shortPath() {
        #expect(LocalEndpoint.endpoint(out: "/tmp/runs/./q") == "ipc:///tmp/runs/q/coordinator.ipc")
    }

    @Test("a long <out> gets a short hashed path under XDG_RUNTIME_DIR, the same for the same folder")
    func longPath() {
        let out = "/tmp/" + String(repeating: "deep/", count: 30) + "sweep"
        let endpoint = LocalEndpoint.endpoint(out: out, environment: ["XDG_RUNTIME_DIR": "/run/user/1"])
        #expect(endpoint.hasPrefix("ipc:///run/user/1/eos-") && endpoint.hasSuffix(".ipc"))
        #expect(endpoint.utf8.count - "ipc://".count <= LocalEndpoint.maximumPathBytes)
        #expect(endpoint == LocalEndpoint.endpoint(out: out + "/", environment: ["XDG_RUNTIME_DIR": "/run/user/1"]))
        #expect(endpoint != LocalEndpoint.endpoint(out: out + "2", environment: ["XDG_RUNTIME_DIR": "/run/user/1"]))
        #expect(LocalEndpoint.endpoint(out: out, environment: [:]).hasPrefix("ipc:///tmp/eos-"))
    }
}
