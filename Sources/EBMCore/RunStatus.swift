/// Where a training run stands: the one word for it everywhere: the trainer's return value,
/// the RESULT on the wire, the scheduler, both tables of the sweep database, the ranking and every
/// file written. The raw value is the word itself; nothing else maps statuses to strings
/// (docs/design.md, "One word for a job's state"; the model is Optuna's `TrialState`).
///
/// A run (a job of a sweep, or one `ebm-sweep train`) goes pending → running → one of the finished
/// words. `cancelled` ends an attempt, never a job: the job waits for a worker again.
public enum RunStatus: String, Codable, CaseIterable, Sendable {
    /// Waiting for a worker.
    case pending
    /// A worker holds it.
    case running
    /// Trained for every iteration and sampled: a result, ranked by its metric.
    case ok
    /// The loss, the parameters or the samples became non-finite, or most samples escaped
    /// (`RunVerdict`): a result, ranked last.
    case diverged
    /// No usable result: the configuration was refused, or every attempt was lost.
    case failed
    /// Stopped on request (the progress callback returned false, or the coordinator asked).
    case cancelled
    /// Stopped early by the sweep's early-stopping rule at a rung (its configuration judged worse
    /// than the rule's threshold), or never started because its configuration was: a result that
    /// keeps its last rung's metric, ranked after the configurations that completed.
    case stopped

    /// A finished run never changes again and is never run again.
    public var isFinished: Bool {
        switch self {
        case .ok, .diverged, .failed, .stopped: true
        case .pending, .running, .cancelled: false
        }
    }

    /// The words an attempt can end with: the status a RESULT may carry. Not `stopped`: the
    /// coordinator's rule decides that, a worker never reports it.
    public var endsAttempt: Bool { (isFinished && self != .stopped) || self == .cancelled }
}
