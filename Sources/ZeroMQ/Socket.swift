// ZeroMQ: a thin typed wrapper over libzmq (context, sockets, options, poller, CURVE, ZAP); knows nothing of sweeps.

import CZeroMQ

/// Owns one libzmq socket: created on init, closed with LINGER 0 by `close()` or `deinit`.
///
/// A socket is not thread-safe: one owner uses it (architecture.md B6). It is deliberately not
/// `Sendable`; create it on the thread or task that uses it (or hand it over with `sending`).
/// Using a socket after `close()` is a programmer error and traps.
public final class Socket {
    public let kind: SocketKind
    /// Kept so the context outlives its sockets: `zmq_ctx_term` never waits for a forgotten socket.
    public let context: Context
    private var handle: UnsafeMutableRawPointer?

    /// - Throws: `ZMQError` (`.terminated` after the context was shut down, `.tooManyOpenFiles`).
    public init(_ context: Context, kind: SocketKind) throws(ZMQError) {
        guard let h = zmq_socket(context.handle, kind.rawValue) else {
            throw ZMQError.current("zmq_socket(\(kind))")
        }
        self.kind = kind
        self.context = context
        self.handle = h
        // Never let unsent messages hold up close or context termination (architecture.md B4.5).
        try set(.linger, to: .zero)
    }

    deinit { close() }

    /// Whether `close()` has run.
    public var isClosed: Bool { handle == nil }

    /// The open handle. - Precondition: the socket is not closed.
    var raw: UnsafeMutableRawPointer {
        guard let h = handle else { preconditionFailure("use of a closed ZeroMQ socket") }
        return h
    }

    /// Closes the socket, dropping unsent messages (LINGER 0), so this never blocks.
    /// Calling it twice is harmless.
    public func close() {
        guard let h = handle else { return }
        var zero: CInt = 0
        _ = zmq_setsockopt(h, ZMQ_LINGER, &zero, MemoryLayout<CInt>.size)
        _ = zmq_close(h)
        handle = nil
    }

    /// Binds to `endpoint`, e.g. `tcp://127.0.0.1:*` (read the chosen port from `lastEndpoint`),
    /// `ipc:///tmp/x.sock` or `inproc://name`.
    ///
    /// - Throws: `.invalid` for a malformed endpoint, `.protocolNotSupported` for an unknown
    ///   transport, `.addressInUse`, `.addressNotAvailable`, `.noDevice`.
    public func bind(_ endpoint: String) throws(ZMQError) {
        let h = raw
        try Call.runRequired("zmq_bind(\(endpoint))") { zmq_bind(h, endpoint) }
    }

    /// Connects to `endpoint`; the connection itself happens in the background and is retried.
    ///
    /// - Throws: `.invalid` for a malformed endpoint, `.protocolNotSupported` for an unknown transport.
    public func connect(_ endpoint: String) throws(ZMQError) {
        let h = raw
        try Call.runRequired("zmq_connect(\(endpoint))") { zmq_connect(h, endpoint) }
    }

    /// Stops listening on an endpoint given to `bind` (use the `lastEndpoint` form for wildcards).
    ///
    /// - Throws: `.notFound` when the endpoint was not bound.
    public func unbind(_ endpoint: String) throws(ZMQError) {
        let h = raw
        try Call.runRequired("zmq_unbind(\(endpoint))") { zmq_unbind(h, endpoint) }
    }

    /// Drops a connection made by `connect`.
    ///
    /// - Throws: `.notFound` when the endpoint was not connected.
    public func disconnect(_ endpoint: String) throws(ZMQError) {
        let h = raw
        try Call.runRequired("zmq_disconnect(\(endpoint))") { zmq_disconnect(h, endpoint) }
    }

    /// The endpoint of the last `bind` or `connect`, with wildcards resolved
    /// (`tcp://127.0.0.1:*` becomes `tcp://127.0.0.1:41234`). The option is ZMQ_LAST_ENDPOINT.
    public var lastEndpoint: String {
        get throws(ZMQError) { try get(.lastEndpoint) }
    }
}

extension Socket {
    /// A socket on its way to the one thread that uses it from then on. libzmq sockets are not
    /// thread-safe, but may move between threads across a full memory barrier, such as the start
    /// of the receiving thread.
    public struct Handover: @unchecked Sendable {
        public let socket: Socket
        public init(_ socket: Socket) { self.socket = socket }
    }
}
