/// How a run ended.
public enum RunStatus: String, Codable, CaseIterable, Sendable {
    /// Trained for every iteration and sampled.
    case ok
    /// The loss, the parameters or the samples became non-finite: a result, ranked last.
    case diverged
    /// Stopped on request (the progress callback returned false).
    case cancelled
    /// The configuration was refused or the run could not start: no model, no metrics.
    case failed
}
