import CZeroMQ

/// Multipart messages as `[[UInt8]]`: a message is delivered whole or not at all (libzmq's atomic
/// multipart delivery), so once the first frame is in, the rest are already queued.
extension Socket {
    /// Sends `frames` as one multipart message.
    ///
    /// - Parameter timeout: how long to wait for room in the outbound queue; `nil` waits as long
    ///   as it takes. A ROUTER never waits: it drops (or, with `routerMandatory`, throws).
    /// - Returns: false when the message could not be queued within `timeout` (nothing was sent).
    /// - Throws: `.hostUnreachable` (ROUTER with `routerMandatory` and an unknown peer),
    ///   `.terminated` after the context was shut down.
    /// - Precondition: `frames` is not empty.
    @discardableResult
    public func send(_ frames: [[UInt8]], timeout: Duration? = nil) throws(ZMQError) -> Bool {
        precondition(!frames.isEmpty, "a ZeroMQ message has at least one frame")
        let last = frames.count - 1
        let firstFlags = last == 0 ? 0 : ZMQ_SNDMORE
        if let timeout {
            let deadline = ContinuousClock.now.advanced(by: timeout)
            while true {
                if try sendFrame(frames[0], flags: firstFlags | ZMQ_DONTWAIT) { break }
                let remaining = ContinuousClock.now.duration(to: deadline)
                if remaining <= .zero { return false }
                _ = try wait(for: .writable, timeout: remaining)
            }
        } else {
            guard try sendFrame(frames[0], flags: firstFlags) else {
                throw ZMQError(code: .again, operation: "zmq_send (blocking)")
            }
        }
        // The first frame was accepted, so the rest of the message is too (atomic multipart).
        for i in frames.indices.dropFirst() {
            _ = try sendFrame(frames[i], flags: i == last ? 0 : ZMQ_SNDMORE)
        }
        return true
    }

    /// Receives one multipart message.
    ///
    /// - Parameters:
    ///   - timeout: how long to wait; `nil` waits until a message arrives or the context shuts down.
    ///   - maxFrames: a bound on the frames accepted from a peer; a longer message is drained and
    ///     reported as `.messageTooLarge` (so a hostile peer cannot make us allocate without bound).
    /// - Returns: the frames, or nil when nothing arrived within `timeout`.
    /// - Throws: `.terminated` after the context was shut down; `.messageTooLarge` as above.
    /// - Precondition: `maxFrames >= 1`.
    public func receive(timeout: Duration?, maxFrames: Int = 64) throws(ZMQError) -> [[UInt8]]? {
        try receiveMessage(timeout: timeout, maxFrames: maxFrames)?.frames
    }

    /// One whole message and who sent it, as far as the security handshake says.
    public struct Received: Sendable {
        public var frames: [[UInt8]]
        /// The "User-Id" the ZAP handler gave the sender's connection (`ZAPAuthenticator` sets the
        /// client's Z85 CURVE public key); nil without ZAP, as with NULL security.
        public var userID: String?
    }

    /// `receive`, keeping the sender's authenticated user id (see `Received.userID`).
    public func receiveMessage(timeout: Duration?, maxFrames: Int = 64) throws(ZMQError) -> Received? {
        precondition(maxFrames >= 1, "maxFrames must be at least 1")
        var first: (bytes: [UInt8], more: Bool, userID: String?)?
        if let timeout {
            let deadline = ContinuousClock.now.advanced(by: timeout)
            while first == nil {
                first = try receiveFrame(flags: ZMQ_DONTWAIT, withUserID: true)
                if first != nil { break }
                let remaining = ContinuousClock.now.duration(to: deadline)
                if remaining <= .zero { return nil }
                _ = try wait(for: .readable, timeout: remaining)
            }
        } else {
            first = try receiveFrame(flags: 0, withUserID: true)
        }
        guard let first else { return nil }
        var frames = [first.bytes]
        var more = first.more
        // A ROUTER makes the routing-id frame itself, without the connection's metadata; the
        // peer's own frames carry it.
        var userID = first.userID
        var dropped = 0
        while more {
            guard let next = try receiveFrame(flags: 0, withUserID: userID == nil) else { break }
            if frames.count < maxFrames { frames.append(next.bytes) } else { dropped += 1 }
            more = next.more
            if userID == nil { userID = next.userID }
        }
        if dropped > 0 {
            throw ZMQError(code: .messageTooLarge,
                           operation: "zmq_msg_recv (message of \(frames.count + dropped) frames, limit \(maxFrames))")
        }
        return Received(frames: frames, userID: userID)
    }

    /// Waits until the socket is readable or writable, up to `timeout`; true when it is.
    public func wait(for events: PollEvents, timeout: Duration?) throws(ZMQError) -> Bool {
        var poller = Poller()
        poller.register(self, for: events)
        return try !poller.poll(timeout: timeout)[0].isEmpty
    }

    /// Sends one frame; false on EAGAIN.
    private func sendFrame(_ frame: [UInt8], flags: CInt) throws(ZMQError) -> Bool {
        let h = raw
        var empty: UInt8 = 0
        let sent = try Call.run("zmq_send") {
            frame.withUnsafeBytes { buffer in
                if let base = buffer.baseAddress { return zmq_send(h, base, buffer.count, flags) }
                return zmq_send(h, &empty, 0, flags)
            }
        }
        return sent != nil
    }

    /// Receives one frame, whether more follow and (when asked) its connection's ZAP user id;
    /// nil on EAGAIN.
    private func receiveFrame(flags: CInt, withUserID: Bool) throws(ZMQError) -> (bytes: [UInt8], more: Bool, userID: String?)? {
        let h = raw
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        guard try Call.run("zmq_msg_recv", { zmq_msg_recv(&message, h, flags) }) != nil else { return nil }
        let size = zmq_msg_size(&message)
        let bytes = [UInt8](UnsafeRawBufferPointer(start: zmq_msg_data(&message), count: size))
        // NULL (EINVAL) when the connection carries no such property; an empty id means none too.
        let userID = withUserID ? zmq_msg_gets(&message, "User-Id").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } : nil
        return (bytes, zmq_msg_more(&message) != 0, userID)
    }
}
