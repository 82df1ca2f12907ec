import Foundation
import Synchronization

/// SIGINT and SIGTERM turned into a flag that the I/O loops poll between events.
///
/// The loops never block for longer than one poll interval, so a flag is enough: no work happens
/// in the handler beyond an atomic store, which is async-signal-safe.
public enum StopSignal {
    private static let received = Atomic<Int32>(0)

    /// Installs the handlers and unblocks the signals on the calling thread (libzmq's threads
    /// block every signal, so they reach this one). Call once, from the executable's main thread,
    /// before the loop starts.
    public static func install() {
        let handler: @convention(c) (Int32) -> Void = { signal in
            StopSignal.received.store(signal, ordering: .relaxed)
        }
        Foundation.signal(SIGINT, handler)
        Foundation.signal(SIGTERM, handler)
        // A parent may have started us with them blocked (test runners and some service managers
        // do, and the mask is inherited): the loops would never hear them.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
        // A coordinator writing to a closed terminal pipe must not die mid-transaction.
        Foundation.signal(SIGPIPE, SIG_IGN)
    }

    /// The signal that asked us to stop, or nil.
    public static var pending: Int32? {
        let value = received.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }

    /// Forgets a received signal (tests, and a loop that handled it).
    public static func reset() {
        received.store(0, ordering: .relaxed)
    }
}
