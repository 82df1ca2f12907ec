import EBMCore
import Sweep
import Wire

/// A job a worker has started: what the worker's loop reads of it between turns.
public protocol JobHandle: AnyObject {
    /// The last iteration and loss reported.
    var progress: JobSlot.Progress { get }
    /// The rung reports made since the last call, oldest first.
    func takeRungReports() -> [RungReport]
    /// The result once the job has ended, else nil.
    var result: JobResult? { get }
    /// Asks the job to stop at its next iteration (it ends `.cancelled`).
    func cancel()
    /// Whether `cancel()` was called: the job is winding down and no longer holds its slot.
    var isCancelled: Bool { get }
}

/// How a worker runs its jobs: on threads in production (`ThreadJobRunner`); in tests, by a
/// runner whose jobs end when the test says, so the loop is stepped on virtual time.
public protocol JobRunner {
    /// Starts `assignment` for the worker named `worker`.
    func start(_ assignment: CoordinatorMessage.Assignment, worker: String) -> any JobHandle
}

extension JobSlot: JobHandle {}

/// Each job on a `JobSlot` thread of its own, so the worker's loop stays free for heartbeats.
public struct ThreadJobRunner: JobRunner {
    let run: Worker.Run

    public init(run: @escaping Worker.Run) { self.run = run }

    public func start(_ assignment: CoordinatorMessage.Assignment, worker: String) -> any JobHandle {
        let job = Job(id: assignment.jobID, configID: "", seed: assignment.config.seed, config: assignment.config)
        let slot = JobSlot(job: job, attempt: assignment.attempt)
        let run = run
        slot.start { _, _, progress, rung in run(assignment, worker, progress, rung) }
        return slot
    }
}
