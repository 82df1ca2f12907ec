import Testing
@testable import ZeroMQ

@Suite("Endpoints")
struct EndpointTests {
    @Test("loopback is decided from the bound address: 127.0.0.0/8, ::1, mapped 127.x, ipc and inproc", arguments: [
        ("tcp://127.0.0.1:5555", true), ("tcp://127.1.2.3:1", true), ("tcp://[::1]:5555", true),
        ("tcp://[::ffff:127.0.0.1]:9", true), ("ipc:///tmp/x.sock", true), ("inproc://x", true),
        ("tcp://10.9.9.9:5555", false), ("tcp://0.0.0.0:5555", false), ("tcp://[::]:5555", false),
        ("tcp://128.0.0.1:1", false), ("tcp://[::2]:1", false), ("tcp://[::ffff:10.0.0.1]:1", false),
        // Texts a bound endpoint never has (names, missing parts) count as reachable.
        ("tcp://127.1:5555", false), ("tcp://localhost:5555", false), ("tcp://127.0.0.1", false), ("tcp://:5", false),
        ("udp://127.0.0.1:5", false), ("", false),
    ])
    func loopback(endpoint: String, expected: Bool) {
        #expect(Endpoint.isLoopback(endpoint) == expected, "\(endpoint)")
    }

    @Test("a real bind to 127.0.0.1 and to every interface is judged right from lastEndpoint")
    func realBind() throws {
        let context = try Context()
        let local = try Socket(context, kind: .router)
        try local.bind("tcp://127.0.0.1:*")
        #expect(Endpoint.isLoopback(try local.lastEndpoint))
        let everywhere = try Socket(context, kind: .router)
        try everywhere.bind("tcp://*:*")
        let bound = try everywhere.lastEndpoint
        #expect(!Endpoint.isLoopback(bound), "\(bound)")
        local.close()
        everywhere.close()
    }
}
