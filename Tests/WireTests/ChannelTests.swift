import Foundation
import Testing
import ZeroMQ
@testable import Wire

@Suite("Frame channels")
struct ChannelTests {
    /// Long enough for an inproc message on a loaded machine; only reached when something is broken.
    static let deliveryTimeout: Duration = .seconds(5)

    /// Sends a READY from the dealer, answers with an ACK, and checks both arrive decoded.
    func exchange(router: some FrameChannel, dealer: some FrameChannel) throws {
        let ready = WorkerMessage.ready(.init(workerID: "w-1", host: "node7", pid: 42, slots: 2, build: "0.1.0"))
        try dealer.send(ready)
        let delivery = try #require(try router.receiveDelivery(timeout: Self.deliveryTimeout))
        let peer = try #require(delivery.peer)
        #expect(try Codec.decode(delivery.frames, as: WorkerMessage.self) == ready)
        try router.send(CoordinatorMessage.ack(jobID: "job-1", attempt: 1), to: peer)
        let back = try #require(try dealer.receiveDelivery(timeout: Self.deliveryTimeout))
        #expect(back.peer == nil)
        #expect(try Codec.decode(back.frames, as: CoordinatorMessage.self) == .ack(jobID: "job-1", attempt: 1))
    }

    @Test("the in-memory pair carries messages both ways with routing ids")
    func inMemory() throws {
        let (router, dealer) = InMemoryChannel.pair()
        try exchange(router: router, dealer: dealer)
        #expect(try router.receiveDelivery(timeout: .milliseconds(20)) == nil)
    }

    @Test("the in-memory router reports vanished dealers and closed channels like ZeroMQ")
    func inMemoryFailures() throws {
        let router = InMemoryChannel.router()
        let a = router.connectDealer(routingID: Array("a".utf8))
        let b = router.connectDealer(routingID: Array("b".utf8))
        try a.send([[1]], to: nil, timeout: nil)
        try b.send([[2]], to: nil, timeout: nil)
        #expect(try router.receiveDelivery(timeout: .zero) == Delivery(peer: Array("a".utf8), frames: [[1]]))
        #expect(try router.receiveDelivery(timeout: .zero) == Delivery(peer: Array("b".utf8), frames: [[2]]))
        a.close()
        let unreachable = #expect(throws: ZMQError.self) { try router.send([[3]], to: Array("a".utf8), timeout: nil) }
        #expect(unreachable?.code == .hostUnreachable)
        let closed = #expect(throws: ZMQError.self) { _ = try a.receiveDelivery(timeout: .zero) }
        #expect(closed?.code == .terminated)
        // A restarted worker may come back under the same id.
        let a2 = router.connectDealer(routingID: Array("a".utf8))
        try router.send([[4]], to: Array("a".utf8), timeout: nil)
        #expect(try a2.receiveDelivery(timeout: .zero)?.frames == [[4]])
        // Too many frames are dropped with messageTooLarge.
        try b.send(Array(repeating: [0], count: WireLimits.maxFrames + 1), to: nil, timeout: nil)
        let tooLarge = #expect(throws: ZMQError.self) { _ = try router.receiveDelivery(timeout: .zero) }
        #expect(tooLarge?.code == .messageTooLarge)
    }

    @Test("a blocked in-memory receive wakes when a message arrives from another thread")
    func inMemoryAcrossThreads() throws {
        let (router, dealer) = InMemoryChannel.pair()
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.05)
            _ = try? dealer.send([[9]], to: nil, timeout: nil)
        }
        #expect(try router.receiveDelivery(timeout: Self.deliveryTimeout)?.frames == [[9]])
    }

    @Test("ZeroMQ ROUTER and DEALER sockets are channels with the same behaviour")
    func sockets() throws {
        let context = try Context()
        let router = try Socket(context, kind: .router)
        try router.set(.routerMandatory, to: true)
        try router.bind("inproc://channel-test")
        let dealer = try Socket(context, kind: .dealer)
        try dealer.set(.routingID, to: Array("w-1".utf8))
        try dealer.connect("inproc://channel-test")
        try exchange(router: router, dealer: dealer)
        let error = #expect(throws: ZMQError.self) { try router.send([[1]], to: Array("nobody".utf8), timeout: nil) }
        #expect(error?.code == .hostUnreachable)
    }
}
