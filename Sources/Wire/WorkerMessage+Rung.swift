import EBMCore
import Sweep

extension WorkerMessage {
    /// A RUNG header: job `jobID` (attempt `attempt`) scored `metric` with the cheap evaluation
    /// after `iteration` iterations, `escaped` the share of its samples that escaped. The
    /// coordinator's stopping rule answers with CANCEL when it stops the job (docs/design.md,
    /// "Early stopping"). `metric` may be NaN or infinite (travels as a string, like losses).
    public struct Rung: Codable, Equatable, Sendable {
        public var jobID: String
        public var attempt: Int
        public var iteration: Int
        public var metric: Double
        public var escaped: Double

        public init(jobID: String, attempt: Int, iteration: Int, metric: Double, escaped: Double) {
            self.jobID = jobID
            self.attempt = attempt
            self.iteration = iteration
            self.metric = metric
            self.escaped = escaped
        }

        public init(_ report: RungReport, attempt: Int) {
            self.init(jobID: report.jobID, attempt: attempt, iteration: report.iteration, metric: report.metric,
                      escaped: report.escaped)
        }

        /// The report the stopping rule takes.
        public var report: RungReport {
            RungReport(jobID: jobID, iteration: iteration, metric: metric, escaped: escaped)
        }

        enum CodingKeys: String, CodingKey {
            case jobID = "job_id"
            case attempt, iteration, metric, escaped
        }

        public static func == (a: Self, b: Self) -> Bool {
            a.jobID == b.jobID && a.attempt == b.attempt && a.iteration == b.iteration
                && sameNumber(a.metric, b.metric) && sameNumber(a.escaped, b.escaped)
        }

        func validate() throws(WireError) {
            try Check.identifier(jobID, "job_id")
            try Check.range(attempt, 0...WireLimits.maxAttempt, "attempt")
            try Check.range(iteration, 1...WireLimits.maxIteration, "iteration")
            guard escaped.isFinite, (0...1).contains(escaped) else {
                throw WireError(.invalidField, "must be a share in 0...1, got \(escaped)", field: "escaped")
            }
        }
    }
}

extension CoordinatorMessage.Assignment {
    /// Where a JOB is evaluated before its end, and how: the rung iterations (ascending, below the
    /// job's iterations), the cheap evaluation and the metric it is scored with.
    public struct Rungs: Codable, Equatable, Sendable {
        public var iterations: [Int]
        public var evaluation: EvaluationConfig
        public var metric: RankingMetric

        public init(iterations: [Int], evaluation: EvaluationConfig, metric: RankingMetric) {
            self.iterations = iterations
            self.evaluation = evaluation
            self.metric = metric
        }

        func validate(below total: Int) throws(WireError) {
            guard iterations.count <= WireLimits.maxRungs else {
                throw WireError(.tooLarge, "has \(iterations.count) rungs, the limit is \(WireLimits.maxRungs)",
                                field: "rungs.iterations")
            }
            for (i, rung) in iterations.enumerated() {
                let low = i == 0 ? 1 : iterations[i - 1] + 1
                guard low < total else {
                    throw WireError(.invalidField, "must ascend and stay below the job's \(total) iterations",
                                    field: "rungs.iterations[\(i)]")
                }
                try Check.range(rung, low...(total - 1), "rungs.iterations[\(i)]")
            }
            try Check.config({ () throws(ConfigError) in try evaluation.validate() }, prefix: "rungs.evaluation")
        }
    }
}
