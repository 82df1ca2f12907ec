import EBMCore
import Foundation
import ZeroMQ

/// In-process channels with ZeroMQ's ROUTER/DEALER semantics, for running the coordinator and
/// workers in one test process without sockets (swift-nio's EmbeddedChannel idea).
///
/// One routing channel (the coordinator's side) and any number of dealers share a hub:
/// - a dealer's message arrives at the router as `Delivery(peer: dealer's routing id, ...)`;
/// - the router sends to a dealer by routing id; an unknown or closed dealer is `.hostUnreachable`
///   (like a ROUTER with `routerMandatory`);
/// - a dealer's send after the router closed is dropped silently (like a DEALER whose peer died);
/// - `receiveDelivery` or `send` on a closed channel throws `.terminated`;
/// - a message of more than `WireLimits.maxFrames` frames is dropped and reported as
///   `.messageTooLarge`, as the socket conformance does.
/// Channels are thread-safe, so each side may live on its own thread.
public final class InMemoryChannel: FrameChannel, @unchecked Sendable {
    public let isRouting: Bool
    /// This dealer's routing id; nil for the router.
    public let routingID: [UInt8]?
    /// The CURVE key this dealer's messages arrive with (what ZAP would report); nil for none.
    public let senderKey: String?
    private let hub: Hub
    /// A dealer's own queue (nil for the router); also its identity in the hub.
    private let inbox: Inbox?
    /// Guarded by `hub.condition`.
    private var isClosed = false

    private init(hub: Hub, routingID: [UInt8]?, inbox: Inbox?, senderKey: String? = nil) {
        self.hub = hub
        self.routingID = routingID
        self.senderKey = senderKey
        self.inbox = inbox
        self.isRouting = routingID == nil
    }

    /// A fresh routing channel with no dealers yet.
    public static func router() -> InMemoryChannel {
        InMemoryChannel(hub: Hub(), routingID: nil, inbox: nil)
    }

    /// A router and one dealer connected to it.
    public static func pair(routingID: [UInt8] = Array("worker-1".utf8)) -> (router: InMemoryChannel, dealer: InMemoryChannel) {
        let router = router()
        return (router, router.connectDealer(routingID: routingID))
    }

    /// Connects a new dealer to this router.
    ///
    /// A dealer may reuse the routing id of a closed one (a restarted worker).
    ///
    /// - Precondition: this is the router, and no open dealer has the same routing id.
    public func connectDealer(routingID: [UInt8], senderKey: String? = nil) -> InMemoryChannel {
        precondition(isRouting, "connect dealers to the router channel")
        hub.condition.lock()
        defer { hub.condition.unlock() }
        precondition(hub.dealerInboxes[routingID] == nil, "routing id already connected")
        let inbox = Inbox()
        hub.dealerInboxes[routingID] = inbox
        return InMemoryChannel(hub: hub, routingID: routingID, inbox: inbox, senderKey: senderKey)
    }

    /// Whether `close()` has not run on this side (a test's view of a peer's connection).
    public var isOpen: Bool {
        hub.condition.lock()
        defer { hub.condition.unlock() }
        return !isClosed
    }

    /// Closes this side. For a dealer, the router can no longer reach it (a crashed worker);
    /// for the router, dealers' messages go nowhere. Idempotent.
    public func close() {
        hub.condition.lock()
        isClosed = true
        if let routingID, let inbox, hub.dealerInboxes[routingID] === inbox {
            hub.dealerInboxes[routingID] = nil
        }
        if isRouting { hub.routerClosed = true }
        hub.condition.broadcast()
        hub.condition.unlock()
    }

    @discardableResult
    public func send(_ frames: [[UInt8]], to peer: [UInt8]?, timeout: Duration?) throws(ZMQError) -> Bool {
        precondition((peer != nil) == isRouting, "a routing id is required on the router and refused elsewhere")
        precondition(!frames.isEmpty, "a message has at least one frame")
        hub.condition.lock()
        defer { hub.condition.unlock() }
        if let peer {
            guard !hub.routerClosed else { throw ZMQError(code: .terminated, operation: "InMemoryChannel.send") }
            guard hub.dealerInboxes[peer] != nil else {
                throw ZMQError(code: .hostUnreachable, operation: "InMemoryChannel.send (no such peer)")
            }
            hub.dealerInboxes[peer]?.messages.append(frames)
        } else if let routingID {
            guard !isClosed else { throw ZMQError(code: .terminated, operation: "InMemoryChannel.send") }
            if !hub.routerClosed { hub.routerInbox.append(Delivery(peer: routingID, frames: frames, senderKey: senderKey)) }
        }
        hub.condition.broadcast()
        return true
    }

    public func receiveDelivery(timeout: Duration?) throws(ZMQError) -> Delivery? {
        let deadline = timeout.map { Date().addingTimeInterval($0.inSeconds) }
        hub.condition.lock()
        defer { hub.condition.unlock() }
        while true {
            if let inbox {
                guard !isClosed else { throw ZMQError(code: .terminated, operation: "InMemoryChannel.receive") }
                if !inbox.messages.isEmpty {
                    return try Self.checked(Delivery(peer: nil, frames: inbox.messages.removeFirst()))
                }
            } else {
                guard !hub.routerClosed else { throw ZMQError(code: .terminated, operation: "InMemoryChannel.receive") }
                if !hub.routerInbox.isEmpty {
                    return try Self.checked(hub.routerInbox.removeFirst())
                }
            }
            if let deadline {
                if !hub.condition.wait(until: deadline) && Date() >= deadline { return nil }
            } else {
                hub.condition.wait()
            }
        }
    }

    private static func checked(_ delivery: Delivery) throws(ZMQError) -> Delivery {
        guard delivery.frames.count <= WireLimits.maxFrames else {
            throw ZMQError(code: .messageTooLarge, operation: "InMemoryChannel.receive (\(delivery.frames.count) frames)")
        }
        return delivery
    }

    /// The shared state of one router and its dealers, guarded by `condition`.
    private final class Hub: @unchecked Sendable {
        let condition = NSCondition()
        var routerInbox: [Delivery] = []
        var routerClosed = false
        var dealerInboxes: [[UInt8]: Inbox] = [:]
    }

    /// One dealer's queue of messages from the router, guarded by the hub's condition.
    private final class Inbox: @unchecked Sendable {
        var messages: [[[UInt8]]] = []
    }
}
