import CZeroMQ

/// Owns one libzmq context (its I/O thread and the `inproc://` namespace).
///
/// Every `Socket` keeps its context alive, so `deinit` terminates the context only after all its
/// sockets are gone; sockets close with LINGER 0, so termination never waits on the network.
/// A context may be shared between threads (libzmq contexts are thread-safe); sockets may not.
public final class Context: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    /// - Throws: `ZMQError` when libzmq cannot create the context (e.g. out of file descriptors).
    public init() throws(ZMQError) {
        guard let h = zmq_ctx_new() else { throw ZMQError.current("zmq_ctx_new") }
        handle = h
    }

    /// Makes every blocking call on this context's sockets fail with `.terminated` now, from any
    /// thread: how a loop blocked in `receive(timeout: nil)` is stopped.
    public func shutdown() {
        _ = zmq_ctx_shutdown(handle)
    }

    deinit {
        // zmq_ctx_term can report EINTR; retry as the chokepoint does.
        while zmq_ctx_term(handle) != 0 && zmq_errno() == ZMQError.Code.interrupted.rawValue {}
    }
}
