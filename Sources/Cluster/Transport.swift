import Foundation
import Logging
import Sweep
import Wire
import ZeroMQ

/// Socket policy for both ends of the sweep's link, in one place (docs/design.md, "Transport"):
/// ZMTP heartbeats from the loops' `Liveness`, CURVE keys and ZAP, message sizes and queue
/// limits. The coordinator listens on a `Transport.Listener`; a worker connects through
/// `Transport.connector`, once per (re)connection.
public enum Transport {
    /// Whole messages one connection may have waiting for the coordinator's loop. Each may be as
    /// large as the maximum message size, so this bounds a connection's memory (about 3 × 64 MiB
    /// with the one being read); a peer sending faster is slowed by TCP instead of buffered. The
    /// loop drains every poll interval, far faster than a worker's heartbeats and results arrive.
    public static let receiveHighWaterMark = 2
    /// The kernel's send buffer per connection of the coordinator. What it sends is small (a JOB
    /// is about 1.5 KiB); a modest buffer bounds what a peer that does not read holds in the
    /// kernel, and fills, so that it is noticed and dropped, after thousands of messages, not 100 000.
    public static let sendBufferBytes = 256 * 1024
    /// The largest message a worker accepts: a JOB or a control message, never a payload.
    public static let workerMaxMessageBytes = WireLimits.maxHeaderBytes + 1_048_576

    /// ZMTP heartbeats, below the loops' own: libzmq PINGs a quiet connection and drops one that
    /// does not answer, so a cut link is noticed even when neither loop has anything to say.
    /// Once per heartbeat interval, but no more often than once a second (a timeout of a few
    /// hundred milliseconds would drop healthy links on a loaded host), dropped after three missed.
    public static func zmtpHeartbeat(_ liveness: Liveness) -> (interval: Duration, timeout: Duration) {
        let milliseconds = Int64((max(1, liveness.interval) * 1000).rounded())
        return (.milliseconds(milliseconds), .milliseconds(3 * milliseconds))
    }

    /// What both ends set on every socket.
    static func configureCommon(_ socket: Socket, liveness: Liveness) throws(ZMQError) {
        try socket.set(.linger, to: .zero)
        let zmtp = zmtpHeartbeat(liveness)
        try socket.set(.heartbeatInterval, to: zmtp.interval)
        try socket.set(.heartbeatTimeout, to: zmtp.timeout)
    }

    /// The options that make the coordinator's ROUTER safe to expose; set before `bind`.
    static func configureRouter(_ socket: Socket, liveness: Liveness) throws(ZMQError) {
        try configureCommon(socket, liveness: liveness)
        // A send to a vanished worker fails (`.hostUnreachable`) and to a full pipe answers at once
        // (`send` never waits), instead of vanishing silently.
        try socket.set(.routerMandatory, to: true)
        // No ROUTER_HANDOVER: a connection claiming the routing id of a connected worker is
        // refused, so a live worker's jobs cannot be hijacked. ZMTP heartbeats drop a dead
        // connection (a cut link) within seconds, so the real worker can reconnect under its id.
        try socket.set(.maxMessageSize, to: WireLimits.maxPayloadBytes + WireLimits.maxHeaderBytes)
        try socket.set(.receiveHighWaterMark, to: receiveHighWaterMark)
        try socket.set(.sendBufferSize, to: sendBufferBytes)
    }

    /// The coordinator's socket and what guards it: with CURVE keys, a ZAP handler admitting only
    /// the authorized workers and a log of refused handshakes, both reporting to `security`.
    public final class Listener {
        public let socket: Socket
        let context: Context
        var authenticator: ZAPAuthenticator?
        var handshakes: HandshakeLog?

        public init(liveness: Liveness, curve: CurveKeys.Server?, security: Logger) throws {
            context = try Context()
            socket = try Socket(context, kind: .router)
            try configureRouter(socket, liveness: liveness)
            guard let curve else { return }
            let names = Dictionary(curve.authorized.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
            // The handler must exist before the CURVE socket binds, or libzmq never asks it.
            authenticator = try ZAPAuthenticator(context: context, allowedClientKeys: Set(curve.authorized.values)) { decision in
                guard !decision.admitted else { return }
                let who = names[decision.publicKey] ?? (decision.publicKey.isEmpty ? "no CURVE key" : "unknown key \(decision.publicKey)")
                security.warning("rejected a worker from \(decision.peerAddress): \(who) (\(decision.mechanism))",
                                 metadata: ["peer": "\(decision.peerAddress)"])
            }
            try socket.set(.curveServer, to: true)
            try socket.set(.curveSecretKey, to: curve.secretKey)
            handshakes = try HandshakeLog(context: context, socket: socket) { line in security.warning("\(line)") }
        }

        /// Binds to `endpoint`; returns the endpoint bound (the port chosen for `*`).
        public func bind(_ endpoint: String) throws(ZMQError) -> String {
            try socket.bind(endpoint)
            return try socket.lastEndpoint
        }

        /// Stops the handshake log, closes the socket, then stops the ZAP handler. Idempotent.
        public func close() {
            handshakes?.stop()
            socket.close()
            authenticator?.stop()
        }

        deinit { close() }
    }

    /// A worker's way to its coordinator: each call is a new DEALER connected to `endpoint` (a
    /// reconnect is a new connection, so the coordinator's ROUTER gives it a new routing id).
    /// - Throws: when no context can be made; each call throws for an endpoint libzmq refuses.
    public static func connector(endpoint: String, liveness: Liveness,
                                 curve: CurveKeys.Client?) throws -> () throws -> any FrameChannel {
        let context = try Context()
        return {
            let socket = try Socket(context, kind: .dealer)
            try configureCommon(socket, liveness: liveness)
            try socket.set(.maxMessageSize, to: workerMaxMessageBytes)
            if let curve {
                try socket.set(.curveServerKey, to: curve.serverKey)
                try socket.set(.curvePublicKey, to: curve.publicKey)
                try socket.set(.curveSecretKey, to: curve.secretKey)
            }
            try socket.connect(endpoint)
            return socket
        }
    }
}
