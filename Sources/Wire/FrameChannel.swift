import ZeroMQ

/// One received message and, on a routing channel (the coordinator's ROUTER), who sent it.
public struct Delivery: Equatable, Sendable {
    /// The sender's routing id on a routing channel; nil on a DEALER-like channel.
    public var peer: [UInt8]?
    /// The message frames, without the routing id: what `Codec.decode` takes.
    public var frames: [[UInt8]]
    /// The sender's CURVE public key (Z85) when the connection passed ZAP; nil otherwise.
    public var senderKey: String?

    public init(peer: [UInt8]?, frames: [[UInt8]], senderKey: String? = nil) {
        self.peer = peer
        self.frames = frames
        self.senderKey = senderKey
    }
}

/// Sends and receives whole messages; the seam between the I/O loops and the transport, so the
/// loops run over ZeroMQ in production and over `InMemoryChannel` in tests (swift-nio's
/// EmbeddedChannel idea). Errors keep ZeroMQ's codes (`.terminated`, `.hostUnreachable`) so the
/// loops branch the same way on both.
public protocol FrameChannel: AnyObject {
    /// Whether messages carry a peer routing id (ROUTER) or not (DEALER).
    var isRouting: Bool { get }

    /// Sends one message.
    ///
    /// - Parameter peer: the destination's routing id on a routing channel; nil otherwise.
    /// - Returns: false when it could not be queued within `timeout` (nothing was sent).
    /// - Throws: `.hostUnreachable` for an unknown peer, `.terminated` once closed or shut down.
    /// - Precondition: `peer != nil` exactly when `isRouting`; `frames` is not empty.
    @discardableResult
    func send(_ frames: [[UInt8]], to peer: [UInt8]?, timeout: Duration?) throws(ZMQError) -> Bool

    /// Receives one message, or nil when nothing arrives within `timeout` (`nil`: wait).
    ///
    /// - Throws: `.terminated` once closed or shut down; `.messageTooLarge` for a message of more
    ///   frames than the protocol allows (it is dropped).
    func receiveDelivery(timeout: Duration?) throws(ZMQError) -> Delivery?

    /// Closes this end, dropping what it has not sent (a worker closes its channel to reconnect).
    /// Idempotent.
    func close()
}

extension FrameChannel {
    /// Encodes and sends a worker's message (on a DEALER-like channel).
    @discardableResult
    public func send(_ message: WorkerMessage, timeout: Duration? = nil) throws(ZMQError) -> Bool {
        try send(Codec.encode(message), to: nil, timeout: timeout)
    }

    /// Encodes and sends a coordinator's message to `peer` (on a routing channel).
    @discardableResult
    public func send(_ message: CoordinatorMessage, to peer: [UInt8], timeout: Duration? = nil) throws(ZMQError) -> Bool {
        try send(Codec.encode(message), to: peer, timeout: timeout)
    }
}

/// The coordinator's ROUTER and a worker's DEALER are channels as they are.
///
/// Set `routerMandatory` on a ROUTER so a send to a vanished worker throws `.hostUnreachable`
/// instead of vanishing silently (the in-memory channel behaves that way too).
extension Socket: FrameChannel {
    public var isRouting: Bool { kind.prependsRoutingID }

    @discardableResult
    public func send(_ frames: [[UInt8]], to peer: [UInt8]?, timeout: Duration?) throws(ZMQError) -> Bool {
        precondition((peer != nil) == isRouting, "a routing id is required on a ROUTER and refused elsewhere")
        if let peer { return try send([peer] + frames, timeout: timeout) }
        return try send(frames, timeout: timeout)
    }

    public func receiveDelivery(timeout: Duration?) throws(ZMQError) -> Delivery? {
        let limit = WireLimits.maxFrames + (isRouting ? 1 : 0)
        guard let message = try receiveMessage(timeout: timeout, maxFrames: limit) else { return nil }
        let frames = message.frames
        if isRouting { return Delivery(peer: frames[0], frames: Array(frames.dropFirst()), senderKey: message.userID) }
        return Delivery(peer: nil, frames: frames, senderKey: message.userID)
    }
}
