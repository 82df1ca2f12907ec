import EBMCore
import Sweep

/// The bridge between a RESULT on the wire and the `Sweep.JobResult` the store keeps.
extension ResultReport {
    /// The RESULT a worker sends for `result` (its `worker` field is not sent: the coordinator
    /// knows who sent a message from the routing id and the READY).
    public init(_ result: JobResult) {
        self.init(jobID: result.jobID, attempt: result.attempt, status: ResultStatus(result.status),
                  metrics: result.metrics, error: result.error, seconds: result.seconds,
                  secondsPerIteration: result.secondsPerIteration,
                  payload: ResultPayload(checkpoint: result.checkpoint, samples: result.samples,
                                         lossHistory: result.lossHistory))
    }

    /// The stored record of this RESULT, received from `worker`.
    ///
    /// A `.failed` result (the worker refused the configuration) is stored too: it says why.
    public func jobResult(worker: String) -> JobResult {
        JobResult(jobID: jobID, attempt: attempt, status: status.runStatus, metrics: metrics, error: error,
                         worker: worker, seconds: seconds, secondsPerIteration: secondsPerIteration,
                         lossHistory: payload.lossHistory, samples: payload.samples,
                         checkpoint: payload.checkpoint)
    }
}

extension ResultStatus {
    public init(_ status: RunStatus) {
        switch status {
        case .ok: self = .ok
        case .diverged: self = .diverged
        case .cancelled: self = .cancelled
        case .failed: self = .failed
        }
    }

    /// The training outcome.
    public var runStatus: RunStatus {
        switch self {
        case .ok: .ok
        case .diverged: .diverged
        case .cancelled: .cancelled
        case .failed: .failed
        }
    }
}
