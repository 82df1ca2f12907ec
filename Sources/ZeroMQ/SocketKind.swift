/// The socket patterns the project uses: ROUTER/DEALER carry the protocol, REP serves ZAP,
/// PAIR/PUSH/PULL/REQ are for tests and plumbing. Raw values are libzmq's `ZMQ_*` type numbers.
public enum SocketKind: CInt, Sendable, CaseIterable {
    case pair = 0
    case request = 3
    case reply = 4
    case dealer = 5
    case router = 6
    case pull = 7
    case push = 8

    /// Whether a received message starts with the sender's routing id frame (and a sent one must).
    public var prependsRoutingID: Bool { self == .router }
}
