import EBMCore
import Foundation
import Synchronization

/// The time the I/O loops run on, in seconds since the loop started: an input, not a global
/// (docs/design.md, "Time and stop signals are inputs"). Production runs on `SystemLoopClock`;
/// tests run a loop on a `ManualLoopClock` and move time themselves, as swift-nio's
/// EmbeddedEventLoop does with `advanceTime(by:)`, so a test of a timer never races the wall clock.
public protocol LoopClock: AnyObject, Sendable {
    /// Seconds since the clock started; never decreases.
    var now: Double { get }
}

/// The wall clock (monotonic: `ContinuousClock`), counting from its creation.
public final class SystemLoopClock: LoopClock {
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant

    public init() { started = clock.now }

    public var now: Double { started.duration(to: clock.now).inSeconds }
}

/// A clock that moves only when told: a test's virtual time.
public final class ManualLoopClock: LoopClock {
    private let seconds: Mutex<Double>

    public init(now: Double = 0) { seconds = Mutex(now) }

    public var now: Double { seconds.withLock { $0 } }

    /// Moves time forward by `interval` seconds.
    /// - Precondition: `interval >= 0` (time never runs backwards).
    public func advance(by interval: Double) {
        precondition(interval >= 0, "a clock cannot go back")
        seconds.withLock { $0 += interval }
    }
}

/// Where a loop learns that it was asked to stop (SIGINT, SIGTERM): an input like the clock.
public protocol StopSource: AnyObject, Sendable {
    /// The signal that asked the loop to stop, or nil.
    var pending: Int32? { get }
}

/// The process's signals, as `StopSignal` received them.
public final class ProcessStopSource: StopSource {
    public init() {}
    public var pending: Int32? { StopSignal.pending }
}

/// A stop request a test makes by setting `pending`.
public final class ManualStopSource: StopSource {
    private let signal = Mutex<Int32?>(nil)

    public init() {}

    public var pending: Int32? {
        get { signal.withLock { $0 } }
        set { signal.withLock { $0 = newValue } }
    }
}
