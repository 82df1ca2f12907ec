import Foundation
import ZeroMQ

/// Logs connections the coordinator's socket turned away during the handshake — a worker with no
/// CURVE key, or something that is not an ebm-worker at all. (A worker with a key that is not
/// admitted is logged by the ZAP handler, which libzmq consults only for CURVE clients.)
public final class HandshakeLog: @unchecked Sendable {
    static let endpoint = "inproc://ebm-handshake-monitor"
    private let lock = NSLock()
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)

    /// Starts watching `socket` (call on the socket's owning thread, before or after bind).
    public init(context: Context, socket: Socket, log: @escaping @Sendable (String) -> Void) throws(ZMQError) {
        try socket.monitor(Self.endpoint, events: [.handshakeFailedProtocol, .handshakeFailedNoDetail])
        // Connected here, before the caller binds: libzmq drops monitor events while no peer is
        // connected, so a thread connecting later could miss the first refusals. The socket is
        // then used by the thread alone (handing it over across the thread start is allowed).
        let pair = try Socket(context, kind: .pair)
        try pair.connect(Self.endpoint)
        let handedOver = Socket.Handover(pair)
        Thread { [self] in
            defer { finished.signal() }
            let pair = handedOver.socket
            // Counted apart: a protocol failure is a keyless or foreign peer; a failure without
            // detail is a connection that closed or timed out mid-handshake (a cut link, a port scan,
            // or a keyless worker that read the mechanism mismatch and hung up before the
            // coordinator did: on loopback about one attempt in six).
            var refused = 0, dropped = 0
            while !lock.withLock({ stopping }) {
                guard let frames = try? pair.receive(timeout: .milliseconds(200)), let event = MonitorEvent(frames: frames) else { continue }
                let protocolError = event.kind.contains(.handshakeFailedProtocol)
                if protocolError { refused += 1 } else { dropped += 1 }
                let count = protocolError ? refused : dropped
                // A keyless worker retries forever: say it the first time, then every 20th.
                guard count == 1 || count % 20 == 0 else { continue }
                // libzmq 4.3 names the listening endpoint here, not the peer.
                if protocolError {
                    log("rejected a connection on \(event.address): its handshake failed (no CURVE key, or not an ebm-worker); \(count) so far")
                } else {
                    log("a connection on \(event.address) closed or timed out during its handshake (a worker without a CURVE "
                        + "key that hung up first, a cut link or a port scan); \(count) so far")
                }
            }
            pair.close()
        }.start()
    }

    public func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopping = true }
            return !stopping
        }
        if first { finished.wait() }
    }

    deinit { stop() }
}
