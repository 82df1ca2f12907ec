import Foundation
import Synchronization

/// SIGINT and SIGTERM turned into a flag that the I/O loops poll between events.
///
/// The loops never block for longer than one poll interval, so a flag is enough: no work happens
/// in the handler beyond an atomic store, which is async-signal-safe.
public enum StopSignal {
    private static let received = Atomic<Int32>(0)

    /// Installs the handlers. Call once, from the executable, before the loop starts.
    public static func install() {
        let handler: @convention(c) (Int32) -> Void = { signal in
            StopSignal.received.store(signal, ordering: .relaxed)
        }
        Foundation.signal(SIGINT, handler)
        Foundation.signal(SIGTERM, handler)
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
