import Foundation
import Testing
@testable import ZeroMQ

/// A receive timeout long enough for a message already in flight on loopback/inproc to arrive
/// on a loaded 2-core machine, short enough to keep the suite fast.
let deliveryTimeout: Duration = .seconds(5)
/// How long a test waits to show that nothing arrives: the negative cases cost this much each.
let silenceTimeout: Duration = .milliseconds(300)

/// A fresh directory for ipc:// endpoints, removed by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("zmq-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("Sockets")
struct SocketTests {
    static let sampleMessages: [[[UInt8]]] = [
        [[1, 2, 3]],
        [Array("EBM/1".utf8), Array("READY".utf8), Array("{}".utf8), []],
        [[], [], [0xFF]],
        [[UInt8](repeating: 7, count: 100_000), [42]],
    ]

    @Test("multipart messages round-trip over inproc, ipc and tcp", arguments: ["inproc", "ipc", "tcp"])
    func roundTrip(transport: String) throws {
        let context = try Context()
        let server = try Socket(context, kind: .router)
        let client = try Socket(context, kind: .dealer)
        try client.set(.routingID, to: Array("worker-a".utf8))
        var directory: URL?
        defer { if let directory { try? FileManager.default.removeItem(at: directory) } }
        switch transport {
        case "inproc": try server.bind("inproc://round-trip")
        case "ipc":
            directory = try temporaryDirectory()
            try server.bind("ipc://\(directory!.path)/s.sock")
        default: try server.bind("tcp://127.0.0.1:*")
        }
        let endpoint = try server.lastEndpoint
        if transport == "tcp" {
            #expect(endpoint.hasPrefix("tcp://127.0.0.1:") && !endpoint.hasSuffix(":*"))
        }
        try client.connect(endpoint)
        for message in Self.sampleMessages {
            try #require(try client.send(message, timeout: deliveryTimeout))
            let received = try #require(try server.receive(timeout: deliveryTimeout))
            #expect(received.first == Array("worker-a".utf8))
            #expect(Array(received.dropFirst()) == message)
            // And back, addressed by routing id.
            try server.send([received[0]] + message)
            #expect(try client.receive(timeout: deliveryTimeout) == message)
        }
    }

    @Test("a receive with nothing queued returns nil after its timeout")
    func receiveTimeout() throws {
        let context = try Context()
        let socket = try Socket(context, kind: .pull)
        try socket.bind("inproc://quiet")
        let start = ContinuousClock.now
        #expect(try socket.receive(timeout: .milliseconds(100)) == nil)
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(100))
        #expect(elapsed < .seconds(3))
        #expect(try socket.receive(timeout: .zero) == nil)
    }

    @Test("errors map to typed codes", arguments: [
        ("not an endpoint", ZMQError.Code.invalid),
        ("tcp://127.0.0.1", ZMQError.Code.invalid),
        ("foo://bar", ZMQError.Code.protocolNotSupported),
    ])
    func errorCodes(endpoint: String, expected: ZMQError.Code) throws {
        let context = try Context()
        let socket = try Socket(context, kind: .dealer)
        let error = #expect(throws: ZMQError.self) { try socket.connect(endpoint) }
        #expect(error?.code == expected)
        #expect(error?.description.contains(endpoint) == true)
    }

    @Test("binding an address twice fails with addressInUse; unbinding a stranger with notFound")
    func bindErrors() throws {
        let context = try Context()
        let a = try Socket(context, kind: .router)
        let b = try Socket(context, kind: .router)
        try a.bind("tcp://127.0.0.1:*")
        let endpoint = try a.lastEndpoint
        #expect(throws: ZMQError(code: .addressInUse, operation: "zmq_bind(\(endpoint))")) { try b.bind(endpoint) }
        let error = #expect(throws: ZMQError.self) { try a.unbind("tcp://127.0.0.1:1") }
        #expect(error?.code == .notFound)
        try a.unbind(endpoint)
    }

    @Test("closing with queued unsent messages never blocks, nor does terminating the context")
    func closeDoesNotBlock() throws {
        let start = ContinuousClock.now
        do {
            let context = try Context()
            let client = try Socket(context, kind: .dealer)
            try client.set(.linger, to: .seconds(60))  // close must override it
            // Nobody listens here, so messages stay queued.
            try client.connect("tcp://127.0.0.1:9")
            for _ in 0..<100 { _ = try client.send([[1, 2, 3]], timeout: .zero) }
            client.close()
            #expect(client.isClosed)
            client.close()  // harmless
        }  // context deinit: zmq_ctx_term
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test("a shut-down context makes a blocked receive fail with terminated")
    func shutdownInterruptsReceive() throws {
        let context = try Context()
        let socket = try Socket(context, kind: .pull)
        try socket.bind("inproc://shutdown")
        // A plain thread, not a Task: the blocked receive holds one of the few pool threads.
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.1)
            context.shutdown()
        }
        let error = #expect(throws: ZMQError.self) { _ = try socket.receive(timeout: nil) }
        #expect(error?.code == .terminated)
    }

    @Test("maxMessageSize drops an oversized message but lets small ones through")
    func maxMessageSize() throws {
        let context = try Context()
        let server = try Socket(context, kind: .pull)
        try server.set(.maxMessageSize, to: 1000)
        #expect(try server.get(.maxMessageSize) == 1000)
        try server.bind("tcp://127.0.0.1:*")
        let endpoint = try server.lastEndpoint

        let big = try Socket(context, kind: .push)
        try big.connect(endpoint)
        try big.send([[UInt8](repeating: 1, count: 5000)], timeout: deliveryTimeout)
        #expect(try server.receive(timeout: silenceTimeout) == nil)

        let small = try Socket(context, kind: .push)
        try small.connect(endpoint)
        try small.send([[UInt8](repeating: 2, count: 500)], timeout: deliveryTimeout)
        #expect(try server.receive(timeout: deliveryTimeout) == [[UInt8](repeating: 2, count: 500)])
    }

    @Test("a message with more frames than allowed is drained and reported as too large")
    func frameLimit() throws {
        let context = try Context()
        let server = try Socket(context, kind: .pair)
        let client = try Socket(context, kind: .pair)
        try server.bind("inproc://frames")
        try client.connect("inproc://frames")
        try client.send(Array(repeating: [1], count: 10))
        try client.send([[9]])
        let error = #expect(throws: ZMQError.self) { _ = try server.receive(timeout: deliveryTimeout, maxFrames: 4) }
        #expect(error?.code == .messageTooLarge)
        #expect(try server.receive(timeout: deliveryTimeout, maxFrames: 4) == [[9]])
    }

    @Test("the poller reports which socket is readable")
    func poller() throws {
        let context = try Context()
        let a = try Socket(context, kind: .pull)
        let b = try Socket(context, kind: .pull)
        try a.bind("inproc://a")
        try b.bind("inproc://b")
        let pushB = try Socket(context, kind: .push)
        try pushB.connect("inproc://b")
        var poller = Poller()
        poller.register(a)
        poller.register(b)
        #expect(try poller.poll(timeout: .milliseconds(20)) == [[], []])
        try pushB.send([[5]])
        #expect(try poller.poll(timeout: deliveryTimeout) == [[], .readable])
        #expect(try b.receive(timeout: .zero) == [[5]])
    }

    @Test("typed options read back what was set")
    func options() throws {
        let context = try Context()
        let s = try Socket(context, kind: .dealer)
        #expect(try s.get(.linger) == .zero)
        try s.set(.sendHighWaterMark, to: 77)
        try s.set(.receiveHighWaterMark, to: 88)
        try s.set(.sendBufferSize, to: 65536)
        try s.set(.receiveBufferSize, to: 4096)
        try s.set(.reconnectInterval, to: .milliseconds(250))
        try s.set(.reconnectIntervalMax, to: .seconds(5))
        try s.set(.heartbeatInterval, to: .seconds(1))
        try s.set(.heartbeatTimeout, to: .seconds(3))
        try s.set(.immediate, to: true)
        try s.set(.routingID, to: [1, 2, 3])
        try s.set(.zapDomain, to: "ebm")
        #expect(try s.get(.sendHighWaterMark) == 77)
        #expect(try s.get(.receiveHighWaterMark) == 88)
        #expect(try s.get(.sendBufferSize) == 65536)
        #expect(try s.get(.receiveBufferSize) == 4096)
        #expect(try s.get(.reconnectInterval) == .milliseconds(250))
        #expect(try s.get(.reconnectIntervalMax) == .seconds(5))
        #expect(try s.get(.heartbeatInterval) == .seconds(1))
        #expect(try s.get(.heartbeatTimeout) == .seconds(3))
        #expect(try s.get(.immediate))
        #expect(try s.get(.routingID) == [1, 2, 3])
        #expect(try s.get(.zapDomain) == "ebm")
        #expect(try s.get(.maxMessageSize) == nil)
    }
}
