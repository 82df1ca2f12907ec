import CZeroMQ

/// What a poll waits for, and what it found.
public struct PollEvents: OptionSet, Hashable, Sendable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    /// A message can be received without blocking (ZMQ_POLLIN).
    public static let readable = PollEvents(rawValue: Int16(ZMQ_POLLIN))
    /// A message can be sent without blocking (ZMQ_POLLOUT).
    public static let writable = PollEvents(rawValue: Int16(ZMQ_POLLOUT))
}

/// Waits on several sockets at once (`zmq_poll`), so one loop can serve a ROUTER and, say, a
/// control socket without threads.
///
/// The poller keeps its sockets alive. Like the sockets, it belongs to one thread.
public struct Poller {
    private var sockets: [Socket] = []
    private var interests: [PollEvents] = []

    public init() {}

    /// Adds `socket`; its results come back at the returned index.
    @discardableResult
    public mutating func register(_ socket: Socket, for events: PollEvents = .readable) -> Int {
        sockets.append(socket)
        interests.append(events)
        return sockets.count - 1
    }

    public var count: Int { sockets.count }

    /// Waits until at least one socket is ready or `timeout` passes (`nil`: no limit).
    ///
    /// - Returns: the ready events of each registered socket, in registration order; all empty
    ///   on timeout.
    /// - Throws: `.terminated` after the context was shut down.
    public func poll(timeout: Duration?) throws(ZMQError) -> [PollEvents] {
        var items = zip(sockets, interests).map { socket, events in
            zmq_pollitem_t(socket: socket.raw, fd: 0, events: events.rawValue, revents: 0)
        }
        let ms: Int = timeout.map { Self.roundedUpMilliseconds($0) } ?? -1
        let count = CInt(items.count)
        let ready = try Call.run("zmq_poll") { zmq_poll(&items, count, ms) }
        guard let ready, ready > 0 else { return Array(repeating: [], count: items.count) }
        return items.map { PollEvents(rawValue: $0.revents).intersection([.readable, .writable]) }
    }

    /// Milliseconds, rounded up so a sub-millisecond remainder still waits instead of spinning.
    static func roundedUpMilliseconds(_ d: Duration) -> Int {
        if d <= .zero { return 0 }
        let whole = wholeMilliseconds(d)
        return Int(whole) + (Duration.milliseconds(whole) < d ? 1 : 0)
    }
}
