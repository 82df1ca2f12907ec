import CZeroMQ

/// A socket's connection events (libzmq's socket monitor), for logging who was turned away.
public struct MonitorEvent: Sendable, Equatable {
    /// Events of interest, as libzmq names them.
    public struct Kind: OptionSet, Sendable, Hashable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// The ZMTP or security handshake failed: no detail (e.g. the peer hung up).
        public static let handshakeFailedNoDetail = Kind(rawValue: Int32(ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL))
        /// The handshake failed on a protocol error (e.g. a client without CURVE).
        public static let handshakeFailedProtocol = Kind(rawValue: Int32(ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL))
        /// The security mechanism refused the peer (e.g. ZAP said no).
        public static let handshakeFailedAuth = Kind(rawValue: Int32(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH))
        public static let handshakeFailed: Kind = [.handshakeFailedNoDetail, .handshakeFailedProtocol, .handshakeFailedAuth]
    }

    public var kind: Kind
    /// The event's value (for handshake failures, libzmq's protocol error code).
    public var value: UInt32
    /// The peer's address for events on accepted connections.
    public var address: String

    /// Decodes libzmq's two-frame event message: [u16 event, u32 value] (native endian), address.
    public init?(frames: [[UInt8]]) {
        guard frames.count == 2, frames[0].count == 6 else { return nil }
        let f = frames[0]
        kind = Kind(rawValue: Int32(UInt16(f[0]) | UInt16(f[1]) << 8))
        value = UInt32(f[2]) | UInt32(f[3]) << 8 | UInt32(f[4]) << 16 | UInt32(f[5]) << 24
        address = String(decoding: frames[1], as: UTF8.self)
    }
}

extension Socket {
    /// Publishes `events` of this socket on a PAIR socket bound at `endpoint` (an `inproc://`
    /// name); connect a `.pair` socket there and read `MonitorEvent(frames:)`.
    /// The corresponding call is zmq_socket_monitor.
    public func monitor(_ endpoint: String, events: MonitorEvent.Kind) throws(ZMQError) {
        let h = raw
        try Call.runRequired("zmq_socket_monitor(\(endpoint))") { zmq_socket_monitor(h, endpoint, events.rawValue) }
    }
}
