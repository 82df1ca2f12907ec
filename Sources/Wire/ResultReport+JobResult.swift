import EBMCore
import Sweep

/// The bridge between a RESULT on the wire and the `Sweep.JobResult` the store keeps.
extension ResultReport {
    /// The RESULT a worker sends for `result` (its `worker` field is not sent: the coordinator
    /// knows who sent a message from the routing id and the READY).
    public init(_ result: JobResult) {
        self.init(jobID: result.jobID, attempt: result.attempt, status: result.status,
                  metrics: result.metrics, error: result.error, seconds: result.seconds,
                  secondsPerIteration: result.secondsPerIteration,
                  payload: ResultPayload(checkpoint: result.checkpoint, samples: result.samples,
                                         lossHistory: result.lossHistory))
        blasKernel = result.blasKernel
        vectorWidth = result.vectorWidth
    }

    /// The stored record of this RESULT, received from `worker`.
    ///
    /// A `.failed` result (the worker refused the configuration) is stored too: it says why.
    public func jobResult(worker: String) -> JobResult {
        JobResult(jobID: jobID, attempt: attempt, status: status, metrics: metrics, error: error,
                         worker: worker, seconds: seconds, secondsPerIteration: secondsPerIteration,
                         lossHistory: payload.lossHistory, samples: payload.samples,
                         checkpoint: payload.checkpoint, blasKernel: blasKernel, vectorWidth: vectorWidth)
    }
}
