import CZeroMQ

/// The single chokepoint for calls into libzmq that return an int status (swift-nio's "syscall"
/// wrapper): every `zmq_*` call that can fail goes through here.
///
/// - EINTR is retried: a signal is never an error to the caller.
/// - EAGAIN returns `nil`: "nothing now" is a normal outcome, not an error.
/// - ENOTSOCK and EFAULT are programmer errors (a closed socket or a bad pointer reached libzmq)
///   and trap with a precondition.
/// - Everything else throws a `ZMQError` with the code and operation.
enum Call {
    /// Runs `body` until it does not fail with EINTR and returns its non-negative result,
    /// or nil on EAGAIN.
    ///
    /// - Precondition: the failure is not ENOTSOCK or EFAULT.
    @discardableResult
    static func run(_ operation: @autoclosure () -> String, _ body: () -> CInt) throws(ZMQError) -> CInt? {
        while true {
            let rc = body()
            if rc >= 0 { return rc }
            let error = ZMQError.current(operation())
            switch error.code {
            case .interrupted:
                continue
            case .again:
                return nil
            case .notSocket, .fault:
                preconditionFailure("misuse of libzmq: \(error)")
            default:
                throw error
            }
        }
    }

    /// Like `run`, for calls where EAGAIN cannot happen or must be an error (bind, setsockopt).
    static func runRequired(_ operation: @autoclosure () -> String, _ body: () -> CInt) throws(ZMQError) {
        guard try run(operation(), body) != nil else {
            throw ZMQError(code: .again, operation: operation())
        }
    }
}
