import CZeroMQ
import Foundation

/// One authentication decision, as reported to the `ZAPAuthenticator`'s callback for logging.
public struct ZAPDecision: Sendable, Equatable {
    /// The client's CURVE public key in Z85, or "" for another mechanism.
    public var publicKey: String
    /// The peer's network address as libzmq reports it (e.g. `127.0.0.1`).
    public var peerAddress: String
    /// `CURVE`, `NULL` or `PLAIN`.
    public var mechanism: String
    public var domain: String
    public var admitted: Bool
}

/// A ZAP handler (ZeroMQ RFC 27) that admits only CURVE clients whose public key is in an
/// allow-list. Everything else (unknown keys, NULL and PLAIN peers, malformed requests) is refused.
///
/// It owns a REP socket bound to `inproc://zeromq.zap.01` in the given context and serves it on a
/// thread of its own. Create it *before* binding a CURVE server socket in the same context: libzmq
/// only consults ZAP when a handler is bound. Only one authenticator per context can exist (the
/// endpoint is fixed): a second one fails with `.addressInUse`.
/// `stop()` (or `deinit`) ends and joins the thread; afterwards new handshakes fail closed.
public final class ZAPAuthenticator: @unchecked Sendable {
    /// The endpoint libzmq sends ZAP requests to (RFC 27).
    public static let endpoint = "inproc://zeromq.zap.01"

    /// The allow-list, fixed at init.
    public let allowedClientKeys: Set<String>
    private let state = SharedState()

    /// - Parameters:
    ///   - allowedClientKeys: Z85 public keys of the clients to admit.
    ///   - onDecision: called on the authenticator's thread for every request, admitted or not.
    /// - Throws: `.addressInUse` when the context already has a ZAP handler.
    /// - Precondition: every allowed key is a 40-character Z85 string.
    public init(context: Context, allowedClientKeys: Set<String>,
                onDecision: @escaping @Sendable (ZAPDecision) -> Void = { _ in }) throws(ZMQError) {
        precondition(allowedClientKeys.allSatisfy(Curve.isZ85Key), "allow-list keys must be 40 Z85 characters")
        self.allowedClientKeys = allowedClientKeys
        let socket = try Socket(context, kind: .reply)
        try socket.bind(Self.endpoint)
        // The socket is handed over whole: from here on only the thread touches it.
        let handover = Socket.Handover(socket)
        let state = self.state
        let allowed = allowedClientKeys
        let thread = Thread {
            Self.serve(handover.socket, allowed: allowed, state: state, onDecision: onDecision)
            state.finished.signal()
        }
        thread.name = "zap-authenticator"
        state.started = true
        thread.start()
    }

    deinit { stop() }

    /// Stops serving and waits for the thread to finish (at most one poll interval). Idempotent.
    public func stop() {
        state.lock.lock()
        let mustJoin = state.started && !state.stopping
        state.stopping = true
        state.lock.unlock()
        if mustJoin { state.finished.wait() }
    }

    /// Builds the RFC 27 reply to one request and says who asked.
    static func answer(_ request: [[UInt8]], allowed: Set<String>) -> (reply: [[UInt8]], decision: ZAPDecision?) {
        let version = Array("1.0".utf8)
        guard request.count >= 6, request[0] == version else {
            let requestID = request.count > 1 ? request[1] : []
            return ([version, requestID, Array("400".utf8), Array("malformed ZAP request".utf8), [], []], nil)
        }
        let text = { (i: Int) in String(decoding: request[i], as: UTF8.self) }
        let mechanism = text(5)
        var key = ""
        if mechanism == "CURVE", request.count == 7, request[6].count == 32 {
            key = Curve.z85(request[6])
        }
        let admitted = !key.isEmpty && allowed.contains(key)
        let decision = ZAPDecision(publicKey: key, peerAddress: text(3), mechanism: mechanism,
                                   domain: text(2), admitted: admitted)
        let status = admitted ? ("200", "OK") : ("400", "client key not allowed")
        return ([version, request[1], Array(status.0.utf8), Array(status.1.utf8),
                 admitted ? Array(key.utf8) : [], []], decision)
    }

    /// The thread's loop: poll in short slices so `stop()` is noticed promptly.
    private static func serve(_ socket: Socket, allowed: Set<String>, state: SharedState,
                              onDecision: @Sendable (ZAPDecision) -> Void) {
        defer { socket.close() }
        while !state.isStopping {
            do {
                guard let request = try socket.receive(timeout: pollSlice, maxFrames: 16) else { continue }
                let (reply, decision) = answer(request, allowed: allowed)
                try socket.send(reply)
                if let decision { onDecision(decision) }
            } catch {
                if error.code == .terminated { return }
                // Anything else concerns one request only (REP resets after a failed exchange).
            }
        }
    }

    /// How often the loop checks for `stop()`: short enough to stop quickly, long enough not to spin.
    private static let pollSlice: Duration = .milliseconds(50)

    private final class SharedState: @unchecked Sendable {
        let lock = NSLock()
        var stopping = false
        /// False when init failed before the thread started: then there is nothing to join.
        var started = false
        let finished = DispatchSemaphore(value: 0)
        var isStopping: Bool {
            lock.lock()
            defer { lock.unlock() }
            return stopping
        }
    }
}
