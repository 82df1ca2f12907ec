import CZeroMQ

// The named, typed socket options. Each doc comment says which libzmq option it is.

extension SocketOption where Value == [UInt8] {
    /// The identity a ROUTER peer sees for this socket (1...255 bytes, not starting with 0).
    /// The corresponding option is ZMQ_ROUTING_ID; set it before `connect`.
    public static var routingID: Self {
        Self(ZMQ_ROUTING_ID, .bytes(maxLength: 255), encode: { .bytes($0) }, decode: { $0.data })
    }
}

extension SocketOption where Value == Duration {
    /// How long `close` waits to flush unsent messages. Sockets are created with zero and closed
    /// with zero. The corresponding option is ZMQ_LINGER (an infinite linger reads back as zero).
    public static var linger: Self { .milliseconds(ZMQ_LINGER) }
    /// First delay before reconnecting. The corresponding option is ZMQ_RECONNECT_IVL.
    public static var reconnectInterval: Self { .milliseconds(ZMQ_RECONNECT_IVL) }
    /// Upper bound of the exponential reconnect backoff (zero: no backoff).
    /// The corresponding option is ZMQ_RECONNECT_IVL_MAX.
    public static var reconnectIntervalMax: Self { .milliseconds(ZMQ_RECONNECT_IVL_MAX) }
    /// Interval of ZMTP PING heartbeats (zero: off). The corresponding option is ZMQ_HEARTBEAT_IVL.
    public static var heartbeatInterval: Self { .milliseconds(ZMQ_HEARTBEAT_IVL) }
    /// How long to wait for a PONG before closing the connection.
    /// The corresponding option is ZMQ_HEARTBEAT_TIMEOUT.
    public static var heartbeatTimeout: Self { .milliseconds(ZMQ_HEARTBEAT_TIMEOUT) }
    /// How long the peer should keep the connection without traffic (rounded to deciseconds).
    /// The corresponding option is ZMQ_HEARTBEAT_TTL.
    public static var heartbeatTimeToLive: Self { .milliseconds(ZMQ_HEARTBEAT_TTL) }
}

extension SocketOption where Value == Int {
    /// Outbound queue limit in messages. The corresponding option is ZMQ_SNDHWM.
    public static var sendHighWaterMark: Self { .integer(ZMQ_SNDHWM) }
    /// Inbound queue limit in messages. The corresponding option is ZMQ_RCVHWM.
    public static var receiveHighWaterMark: Self { .integer(ZMQ_RCVHWM) }
    /// The kernel's send buffer of each connection, in bytes (-1: the OS default).
    /// The corresponding option is ZMQ_SNDBUF.
    public static var sendBufferSize: Self { .integer(ZMQ_SNDBUF) }
    /// The kernel's receive buffer of each connection, in bytes (-1: the OS default).
    /// The corresponding option is ZMQ_RCVBUF.
    public static var receiveBufferSize: Self { .integer(ZMQ_RCVBUF) }
}

extension SocketOption where Value == Int? {
    /// The largest inbound frame in bytes; a peer sending a larger one is disconnected and its
    /// message dropped. `nil` means no limit. The corresponding option is ZMQ_MAXMSGSIZE.
    public static var maxMessageSize: Self {
        Self(ZMQ_MAXMSGSIZE, .int64, encode: { .int(Int64($0 ?? -1)) },
             decode: { $0.integer < 0 ? nil : Int($0.integer) })
    }
}

extension SocketOption where Value == Bool {
    /// Queue messages only to completed connections. The corresponding option is ZMQ_IMMEDIATE.
    public static var immediate: Self { .flag(ZMQ_IMMEDIATE) }
    /// A ROUTER fails with `.hostUnreachable` instead of silently dropping a message to an
    /// unknown routing id. The corresponding option is ZMQ_ROUTER_MANDATORY.
    public static var routerMandatory: Self { .flag(ZMQ_ROUTER_MANDATORY) }
    /// Whether a received frame has more frames after it (read-only).
    /// The corresponding option is ZMQ_RCVMORE.
    public static var receiveMore: Self { .flag(ZMQ_RCVMORE) }
    /// Act as the CURVE server (set with `curveSecretKey` before `bind`).
    /// The corresponding option is ZMQ_CURVE_SERVER.
    public static var curveServer: Self { .flag(ZMQ_CURVE_SERVER) }
}

extension SocketOption where Value == String {
    /// The resolved endpoint of the last bind or connect (read-only).
    /// The corresponding option is ZMQ_LAST_ENDPOINT.
    public static var lastEndpoint: Self { .text(ZMQ_LAST_ENDPOINT, maxLength: 1024) }
    /// This socket's long-term public key, 40 Z85 characters.
    /// The corresponding option is ZMQ_CURVE_PUBLICKEY.
    public static var curvePublicKey: Self { .text(ZMQ_CURVE_PUBLICKEY, maxLength: 41) }
    /// This socket's long-term secret key, 40 Z85 characters.
    /// The corresponding option is ZMQ_CURVE_SECRETKEY.
    public static var curveSecretKey: Self { .text(ZMQ_CURVE_SECRETKEY, maxLength: 41) }
    /// (Client) the server's public key, 40 Z85 characters. The corresponding option is
    /// ZMQ_CURVE_SERVERKEY.
    public static var curveServerKey: Self { .text(ZMQ_CURVE_SERVERKEY, maxLength: 41) }
    /// The ZAP domain this socket's connections are authenticated in.
    /// The corresponding option is ZMQ_ZAP_DOMAIN.
    public static var zapDomain: Self { .text(ZMQ_ZAP_DOMAIN, maxLength: 256) }
}
