import Foundation
import Testing
@testable import ZeroMQ

/// Collects ZAP decisions from the authenticator's thread.
final class DecisionLog: @unchecked Sendable {
    private let lock = NSLock()
    private var decisions: [ZAPDecision] = []

    func append(_ d: ZAPDecision) {
        lock.lock()
        decisions.append(d)
        lock.unlock()
    }

    var all: [ZAPDecision] {
        lock.lock()
        defer { lock.unlock() }
        return decisions
    }

    /// Polls until `predicate` holds for some decision or `timeout` passes.
    func waitFor(timeout: Duration, _ predicate: (ZAPDecision) -> Bool) -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if all.contains(where: predicate) { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return all.contains(where: predicate)
    }
}

@Suite("CURVE and ZAP", .enabled(if: Curve.isAvailable, "libzmq was built without CURVE"))
struct CurveTests {
    @Test("key pairs are Z85 and the public key derives from the secret key")
    func keyPairs() throws {
        let pair = try Curve.keyPair()
        #expect(Curve.isZ85Key(pair.publicKey))
        #expect(Curve.isZ85Key(pair.secretKey))
        #expect(try Curve.publicKey(fromSecret: pair.secretKey) == pair.publicKey)
        #expect(try Curve.keyPair().publicKey != pair.publicKey)
        let error = #expect(throws: ZMQError.self) { _ = try Curve.publicKey(fromSecret: "short") }
        #expect(error?.code == .invalid)
    }

    @Test("ZAP replies follow RFC 27 and refuse non-CURVE or malformed requests")
    func zapAnswers() throws {
        let pair = try Curve.keyPair()
        let rawKey = [UInt8](repeating: 3, count: 32)
        let request: [[UInt8]] = [Array("1.0".utf8), Array("7".utf8), Array("ebm".utf8), Array("10.0.0.1".utf8),
                                  [], Array("CURVE".utf8), rawKey]
        let refused = ZAPAuthenticator.answer(request, allowed: [pair.publicKey])
        #expect(refused.reply[2] == Array("400".utf8))
        #expect(refused.reply[1] == Array("7".utf8))
        #expect(refused.decision?.admitted == false)
        #expect(refused.decision?.peerAddress == "10.0.0.1")
        let admitted = ZAPAuthenticator.answer(request, allowed: [Curve.z85(rawKey)])
        #expect(admitted.reply[2] == Array("200".utf8))
        #expect(admitted.reply.count == 6)
        var plain = request
        plain[5] = Array("PLAIN".utf8)
        #expect(ZAPAuthenticator.answer(plain, allowed: [Curve.z85(rawKey)]).reply[2] == Array("400".utf8))
        #expect(ZAPAuthenticator.answer([[1]], allowed: []).reply[2] == Array("400".utf8))
    }

    @Test("an allowed client with the right server key talks; unlisted or wrong-key clients never get through")
    func curveAllowList() throws {
        let context = try Context()
        let serverKeys = try Curve.keyPair()
        let goodKeys = try Curve.keyPair()
        let unlistedKeys = try Curve.keyPair()
        let log = DecisionLog()
        let authenticator = try ZAPAuthenticator(context: context, allowedClientKeys: [goodKeys.publicKey]) {
            log.append($0)
        }
        defer { authenticator.stop() }

        let server = try Socket(context, kind: .router)
        try server.set(.curveServer, to: true)
        try server.set(.curveSecretKey, to: serverKeys.secretKey)
        try server.set(.zapDomain, to: "ebm")
        try server.bind("tcp://127.0.0.1:*")
        let endpoint = try server.lastEndpoint

        func client(_ keys: (publicKey: String, secretKey: String), serverKey: String) throws -> Socket {
            let socket = try Socket(context, kind: .dealer)
            try socket.set(.curveServerKey, to: serverKey)
            try socket.set(.curvePublicKey, to: keys.publicKey)
            try socket.set(.curveSecretKey, to: keys.secretKey)
            try socket.connect(endpoint)
            return socket
        }

        // Turned away: a key not on the list.
        let unlisted = try client(unlistedKeys, serverKey: serverKeys.publicKey)
        _ = try unlisted.send([Array("from unlisted".utf8)], timeout: .zero)
        // Turned away: an allowed key, but the wrong server key (the handshake cannot complete).
        let wrongServer = try client(goodKeys, serverKey: try Curve.keyPair().publicKey)
        _ = try wrongServer.send([Array("from wrong server key".utf8)], timeout: .zero)

        #expect(log.waitFor(timeout: deliveryTimeout) { $0.publicKey == unlistedKeys.publicKey && !$0.admitted })
        #expect(try server.receive(timeout: silenceTimeout) == nil)

        let good = try client(goodKeys, serverKey: serverKeys.publicKey)
        try #require(try good.send([Array("hello".utf8)], timeout: deliveryTimeout))
        let received = try #require(try server.receiveMessage(timeout: deliveryTimeout))
        #expect(received.frames.last == Array("hello".utf8))
        // The coordinator binds worker names to this: the sender's key, as ZAP admitted it.
        #expect(received.userID == goodKeys.publicKey)
        #expect(log.all.contains { $0.publicKey == goodKeys.publicKey && $0.admitted && $0.domain == "ebm" })
        #expect(!log.all.contains { $0.publicKey == unlistedKeys.publicKey && $0.admitted })
        // Nothing else ever arrives.
        #expect(try server.receive(timeout: silenceTimeout) == nil)
    }

    @Test("stopping the authenticator joins its thread promptly and is idempotent")
    func stopJoins() throws {
        let context = try Context()
        let authenticator = try ZAPAuthenticator(context: context, allowedClientKeys: [])
        let start = ContinuousClock.now
        authenticator.stop()
        authenticator.stop()
        #expect(ContinuousClock.now - start < .seconds(2))
        // The endpoint is free again for a new authenticator once libzmq's reaper has unregistered
        // it (asynchronously after close), so poll for it within a deadline.
        let deadline = ContinuousClock.now.advanced(by: deliveryTimeout)
        var again: ZAPAuthenticator?
        while again == nil, ContinuousClock.now < deadline {
            again = try? ZAPAuthenticator(context: context, allowedClientKeys: [])
            if again == nil { Thread.sleep(forTimeInterval: 0.01) }
        }
        try #require(again != nil)
        again?.stop()
    }
}
