import EBMCore

/// What a worker sends back for one job attempt, and what the store keeps: the commit point of a
/// job. Metrics use the contract names of docs/design.md, "Metrics" (`kde_nll`, `nll`, `precision`,
/// ...).
public struct JobResult: Sendable, Equatable {
    public var jobID: String
    public var attempt: Int
    /// How the attempt ended (`RunStatus.endsAttempt`): ok, diverged (ranked last), failed (kept
    /// for its reason) or cancelled (never stored: the job waits for a worker again).
    public var status: RunStatus
    public var metrics: [String: Double]
    /// Why the run failed or diverged, for the tables; nil when it succeeded.
    public var error: String?
    /// Who ran it (worker id) and how long it took on that worker.
    public var worker: String
    public var seconds: Double
    public var secondsPerIteration: Double
    /// Training loss per iteration.
    public var lossHistory: [Double]
    /// Evaluation samples, [n, 2].
    public var samples: Matrix
    /// The checkpoint file's bytes (EBMCore's versioned format).
    public var checkpoint: [UInt8]
    /// OpenBLAS's kernel family on the worker ("SkylakeX", "Haswell"): results of one config and
    /// seed are bit-identical within a family (`Hardware`); nil when not reported.
    public var blasKernel: String?
    /// The worker CPU's vector width in bits (512 with AVX-512); nil when not reported.
    public var vectorWidth: Int?

    public init(jobID: String, attempt: Int, status: RunStatus, metrics: [String: Double], error: String? = nil,
                worker: String, seconds: Double, secondsPerIteration: Double, lossHistory: [Double],
                samples: Matrix, checkpoint: [UInt8], blasKernel: String? = nil, vectorWidth: Int? = nil) {
        self.jobID = jobID
        self.attempt = attempt
        self.status = status
        self.metrics = metrics
        self.error = error
        self.worker = worker
        self.seconds = seconds
        self.secondsPerIteration = secondsPerIteration
        self.lossHistory = lossHistory
        self.samples = samples
        self.checkpoint = checkpoint
        self.blasKernel = blasKernel
        self.vectorWidth = vectorWidth
    }
}

/// What ranking, `ebm-sweep status` and the tables need of a result: everything but its blobs (loss
/// history, samples, checkpoint), which are megabytes per job and read only for the runs kept in
/// best/. `SweepStore.resultSummaries()` reads these without touching the blobs.
public struct ResultSummary: Sendable, Equatable {
    /// A job's seconds above this (115 days) are a peer's nonsense, not a measurement: what adds
    /// up or averages job times (the ETA, the best over time) leaves them out.
    public static let implausibleSeconds = 1e7

    public var jobID: String
    public var attempt: Int
    public var status: RunStatus
    public var metrics: [String: Double]
    public var error: String?
    public var worker: String
    public var seconds: Double
    public var secondsPerIteration: Double
    /// Iterations trained: the loss history's length (a diverged or stopped run ends early).
    public var iterationsRun: Int
    /// As in `JobResult`.
    public var blasKernel: String?
    public var vectorWidth: Int?

    public init(jobID: String, attempt: Int, status: RunStatus, metrics: [String: Double], error: String? = nil,
                worker: String, seconds: Double, secondsPerIteration: Double, iterationsRun: Int,
                blasKernel: String? = nil, vectorWidth: Int? = nil) {
        self.jobID = jobID
        self.attempt = attempt
        self.status = status
        self.metrics = metrics
        self.error = error
        self.worker = worker
        self.seconds = seconds
        self.secondsPerIteration = secondsPerIteration
        self.iterationsRun = iterationsRun
        self.blasKernel = blasKernel
        self.vectorWidth = vectorWidth
    }
}

extension JobResult {
    /// The result without its blobs.
    public var summary: ResultSummary {
        ResultSummary(jobID: jobID, attempt: attempt, status: status, metrics: metrics, error: error, worker: worker,
                      seconds: seconds, secondsPerIteration: secondsPerIteration, iterationsRun: lossHistory.count,
                      blasKernel: blasKernel, vectorWidth: vectorWidth)
    }
}
