import EBMCore
import Foundation
import Sweep

/// Runs one job on its own thread so the worker's socket thread stays free for heartbeats.
///
/// The socket belongs to the worker loop's thread alone (one owner per socket); the training
/// thread talks to it only through this slot's lock-protected progress and result.
public final class JobSlot: @unchecked Sendable {
    public struct Progress: Sendable, Equatable {
        public var iteration: Int
        public var loss: Double
    }

    public let job: Job
    public let attempt: Int
    private let lock = NSLock()
    private var progressValue = Progress(iteration: 0, loss: .nan)
    private var resultValue: JobResult?
    private var cancelled = false
    /// Rung reports made and not yet sent (a job has a handful of rungs).
    private var rungReports: [RungReport] = []
    private var thread: Thread?

    public init(job: Job, attempt: Int) {
        self.job = job
        self.attempt = attempt
    }

    /// Starts `work` on a new thread. `work` reports progress and rung evaluations through the
    /// callbacks and stops early when one returns false (the job was cancelled).
    public func start(_ work: @escaping @Sendable (Job, Int, _ progress: (Int, Double) -> Bool,
                                                   _ rung: (RungReport) -> Bool) -> JobResult) {
        let thread = Thread { [self] in
            let result = work(job, attempt, { iteration, loss in
                self.lock.withLock {
                    self.progressValue = Progress(iteration: iteration, loss: loss)
                    return !self.cancelled
                }
            }, { report in
                self.lock.withLock {
                    self.rungReports.append(report)
                    return !self.cancelled
                }
            })
            lock.withLock { resultValue = result }
        }
        thread.name = "job \(job.id)"
        // The trainer's workspaces live on the heap; a generous stack covers deep recursion-free loops.
        thread.stackSize = 8 << 20
        self.thread = thread
        thread.start()
    }

    public var progress: Progress { lock.withLock { progressValue } }
    /// The rung reports made since the last call, oldest first.
    public func takeRungReports() -> [RungReport] {
        lock.withLock {
            defer { rungReports.removeAll() }
            return rungReports
        }
    }
    /// The result once the thread has finished, else nil.
    public var result: JobResult? { lock.withLock { resultValue } }
    public var isCancelled: Bool { lock.withLock { cancelled } }

    /// Asks the training thread to stop at its next iteration.
    public func cancel() {
        lock.withLock { cancelled = true }
    }
}
