import CZeroMQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed libzmq call: the errno it left, kept as a typed code so callers can branch on it
/// (`.again` vs `.terminated`), and the operation that failed.
///
/// EAGAIN never reaches callers as an error: the chokepoint in `Call.swift` turns it into `nil`.
public struct ZMQError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An errno value as libzmq reports it (POSIX values plus libzmq's own, above `ZMQ_HAUSNUMERO`).
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: CInt
        public init(rawValue: CInt) { self.rawValue = rawValue }

        /// EAGAIN: nothing to receive, or the send would block.
        public static let again = Code(rawValue: EAGAIN)
        /// ETERM: the context was terminated or shut down.
        public static let terminated = Code(rawValue: Code.hausnumero + 53)
        /// EFSM: the operation is not allowed in the socket's current state (REQ/REP order).
        public static let finiteStateMachine = Code(rawValue: Code.hausnumero + 51)
        /// ENOCOMPATPROTO: the transport does not fit the socket type.
        public static let incompatibleProtocol = Code(rawValue: Code.hausnumero + 52)
        /// EMTHREAD: no I/O thread is available.
        public static let noThread = Code(rawValue: Code.hausnumero + 54)
        /// EINTR: a signal interrupted the call (the chokepoint retries these).
        public static let interrupted = Code(rawValue: EINTR)
        /// EINVAL: a malformed endpoint, an option value out of range, and similar.
        public static let invalid = Code(rawValue: EINVAL)
        /// EHOSTUNREACH: a ROUTER with ROUTER_MANDATORY has no peer with that routing id.
        public static let hostUnreachable = Code(rawValue: EHOSTUNREACH)
        /// EMSGSIZE: a message is larger than a limit.
        public static let messageTooLarge = Code(rawValue: EMSGSIZE)
        /// EPROTONOSUPPORT: an unknown transport (`foo://`).
        public static let protocolNotSupported = Code(rawValue: EPROTONOSUPPORT)
        /// EADDRINUSE: the address is already bound.
        public static let addressInUse = Code(rawValue: EADDRINUSE)
        /// EADDRNOTAVAIL: the address is not local.
        public static let addressNotAvailable = Code(rawValue: EADDRNOTAVAIL)
        /// ENODEV: the interface named in the endpoint does not exist.
        public static let noDevice = Code(rawValue: ENODEV)
        /// ENOENT: unbind/disconnect of an endpoint that was never bound/connected.
        public static let notFound = Code(rawValue: ENOENT)
        /// ENOTSUP: the operation or capability (e.g. CURVE without libsodium) is not supported.
        public static let notSupported = Code(rawValue: ENOTSUP)
        /// EMFILE: too many open sockets or files.
        public static let tooManyOpenFiles = Code(rawValue: EMFILE)
        /// ENOMEM.
        public static let outOfMemory = Code(rawValue: ENOMEM)
        /// ENOTSOCK: a closed socket reached libzmq (a programmer error; the chokepoint traps).
        static let notSocket = Code(rawValue: ENOTSOCK)
        /// EFAULT: a bad pointer reached libzmq (a programmer error; the chokepoint traps).
        static let fault = Code(rawValue: EFAULT)

        static let hausnumero: CInt = 156_384_712

        /// libzmq's own text for the code (`zmq_strerror`).
        public var description: String { String(cString: zmq_strerror(rawValue)) }

        /// Lets `switch error.code { case .terminated: ... }` read naturally.
        public static func ~= (pattern: Code, value: Code) -> Bool { pattern == value }
    }

    public var code: Code
    /// The libzmq function and its argument, e.g. `zmq_connect(tcp://x:1)`.
    public var operation: String

    public init(code: Code, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// The error libzmq left in errno for `operation`.
    static func current(_ operation: String) -> ZMQError {
        ZMQError(code: Code(rawValue: zmq_errno()), operation: operation)
    }

    public var description: String {
        "\(operation) failed: \(code.description) (errno \(code.rawValue))"
    }
}
