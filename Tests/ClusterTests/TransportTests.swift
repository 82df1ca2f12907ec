import Foundation
import Logging
import Sweep
import Testing
@testable import Cluster
import Wire
import ZeroMQ

/// The socket policy both ends share (`Transport`), on real libzmq sockets over loopback.
@Suite("Transport")
struct TransportTests {
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    @Test("ZMTP heartbeats follow the heartbeat interval, no faster than once a second, timing out after three")
    func zmtpHeartbeats() {
        #expect(Transport.zmtpHeartbeat(Liveness()) == (.seconds(1), .seconds(3)))
        #expect(Transport.zmtpHeartbeat(Liveness(interval: 0.2, count: 5)) == (.seconds(1), .seconds(3)))
        #expect(Transport.zmtpHeartbeat(Liveness(interval: 10, count: 5)) == (.seconds(10), .seconds(30)))
    }

    @Test("The coordinator's socket and a worker's get the shared policy, and a worker's messages reach the coordinator on a new connection each time")
    func bothEnds() throws {
        let liveness = Liveness(interval: 2, count: 5)
        let listener = try Transport.Listener(liveness: liveness, curve: nil, security: Self.quiet)
        defer { listener.close() }
        let endpoint = try listener.bind("tcp://127.0.0.1:*")
        let router = listener.socket
        #expect(try router.get(.linger) == .zero)
        #expect(try router.get(.heartbeatInterval) == .seconds(2) && router.get(.heartbeatTimeout) == .seconds(6))
        #expect(try router.get(.receiveHighWaterMark) == Transport.receiveHighWaterMark)
        #expect(try router.get(.sendBufferSize) == Transport.sendBufferBytes)
        #expect(try router.get(.maxMessageSize) == WireLimits.maxPayloadBytes + WireLimits.maxHeaderBytes)

        let connect = try Transport.connector(endpoint: endpoint, liveness: liveness, curve: nil)
        var peers: [[UInt8]] = []
        for attempt in 0..<2 {
            let channel = try connect()
            defer { channel.close() }
            let dealer = try #require(channel as? Socket)
            #expect(try dealer.get(.heartbeatInterval) == .seconds(2) && dealer.get(.linger) == .zero)
            #expect(try dealer.get(.maxMessageSize) == Transport.workerMaxMessageBytes)
            try channel.send(.bye(workerID: "w\(attempt)"), timeout: .seconds(5))
            // Real sockets: delivery takes real time (this tests the transport, not the protocol).
            let delivery = try #require(try router.receiveDelivery(timeout: .seconds(10)))
            #expect(try Codec.decode(delivery.frames, as: WorkerMessage.self) == .bye(workerID: "w\(attempt)"))
            peers.append(try #require(delivery.peer))
        }
        #expect(peers[0] != peers[1], "a reconnect is a new connection with a new routing id")
    }
}
