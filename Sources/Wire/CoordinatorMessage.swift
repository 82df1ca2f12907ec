import EBMCore

/// What the coordinator sends a worker (docs/design.md, "Wire protocol"). Header keys are
/// snake_case.
public enum CoordinatorMessage: Equatable, Sendable {
    /// Run this job attempt.
    case job(Assignment)
    /// Stop this job; the worker answers with a `cancelled` RESULT.
    case cancel(jobID: String)
    /// "I am alive"; header `{}`.
    case heartbeat
    /// The RESULT of this attempt is stored; the worker may forget it.
    case ack(jobID: String, attempt: Int)
    /// Finish nothing, exit now (the coordinator is done or stopping); header `{}`.
    case shutdown

    public var type: WireProtocol.MessageType {
        switch self {
        case .job: .job
        case .cancel: .cancel
        case .heartbeat: .heartbeat
        case .ack: .ack
        case .shutdown: .shutdown
        }
    }

    /// A JOB: one attempt of one job with its fully resolved configuration.
    public struct Assignment: Codable, Equatable, Sendable {
        public var jobID: String
        public var attempt: Int
        /// The resolved training configuration (`config.seed` is the job's seed).
        public var config: TrainingConfig
        /// The sweep's evaluation sampler, the same for every job of a sweep.
        public var evaluation: EvaluationConfig
        /// Rung evaluations to report (RUNG) under an early-stopping rule; nil: none.
        public var rungs: Rungs?

        public init(jobID: String, attempt: Int, config: TrainingConfig, evaluation: EvaluationConfig, rungs: Rungs? = nil) {
            self.jobID = jobID
            self.attempt = attempt
            self.config = config
            self.evaluation = evaluation
            self.rungs = rungs
        }

        enum CodingKeys: String, CodingKey {
            case jobID = "job_id"
            case attempt, config, evaluation, rungs
        }
    }
}

// MARK: - Small headers

/// `{job_id}` (CANCEL) and `{worker_id}` (BYE).
struct JobIDHeader: Codable {
    var jobID: String
    enum CodingKeys: String, CodingKey { case jobID = "job_id" }
}

struct WorkerIDHeader: Codable {
    var workerID: String
    enum CodingKeys: String, CodingKey { case workerID = "worker_id" }
}

/// `{job_id, attempt}` (ACK).
struct AttemptHeader: Codable {
    var jobID: String
    var attempt: Int
    enum CodingKeys: String, CodingKey {
        case jobID = "job_id"
        case attempt
    }
}

/// `{}`: the header of HEARTBEAT and SHUTDOWN from the coordinator. Decoding still insists on
/// a JSON object, so `[]` or `7` is refused.
struct EmptyHeader: Codable {
    init() {}
    init(from decoder: Decoder) throws {
        _ = try decoder.container(keyedBy: EmptyKey.self)
    }
    func encode(to encoder: Encoder) throws {
        _ = encoder.container(keyedBy: EmptyKey.self)
    }
    private enum EmptyKey: CodingKey {}
}
