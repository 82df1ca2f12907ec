import EBMCore

/// A RESULT: the header fields plus the binary payload (checkpoint, samples, loss history).
///
/// `payload` is not part of the JSON header; the codec carries it in frame 3.
public struct ResultReport: Codable, Equatable, Sendable {
    public var jobID: String
    public var attempt: Int
    public var status: ResultStatus
    /// Metric name (design.md §3) → value; values may be NaN or infinite.
    public var metrics: [String: Double]
    /// Why the attempt failed or diverged; nil when it succeeded.
    public var error: String?
    /// Wall time of the attempt on the worker.
    public var seconds: Double
    public var secondsPerIteration: Double
    public var payload: ResultPayload = ResultPayload()

    public init(jobID: String, attempt: Int, status: ResultStatus, metrics: [String: Double], error: String? = nil,
                seconds: Double, secondsPerIteration: Double, payload: ResultPayload = ResultPayload()) {
        self.jobID = jobID
        self.attempt = attempt
        self.status = status
        self.metrics = metrics
        self.error = error
        self.seconds = seconds
        self.secondsPerIteration = secondsPerIteration
        self.payload = payload
    }

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id"
        case secondsPerIteration = "seconds_per_iteration"
        case attempt, status, metrics, error, seconds
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.jobID == b.jobID && a.attempt == b.attempt && a.status == b.status && a.error == b.error
            && sameNumber(a.seconds, b.seconds) && sameNumber(a.secondsPerIteration, b.secondsPerIteration)
            && a.metrics.count == b.metrics.count
            && a.metrics.allSatisfy { key, value in b.metrics[key].map { sameNumber($0, value) } ?? false }
            && a.payload == b.payload
    }
}

/// The RESULT payload: what is too big or too binary for JSON.
///
/// Equality compares doubles by bit pattern: the binary container carries them exactly.
public struct ResultPayload: Equatable, Sendable {
    /// The checkpoint file's bytes (EBMCore's versioned format), opaque here.
    public var checkpoint: [UInt8]
    /// Evaluation samples, [n, 2] (or [0, 0] when there are none).
    public var samples: Matrix
    /// Training loss per iteration.
    public var lossHistory: [Double]

    public init(checkpoint: [UInt8] = [], samples: Matrix = Matrix(rows: 0, columns: 0), lossHistory: [Double] = []) {
        self.checkpoint = checkpoint
        self.samples = samples
        self.lossHistory = lossHistory
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.checkpoint == b.checkpoint && a.samples.rows == b.samples.rows && a.samples.columns == b.samples.columns
            && a.samples.storage.map(\.bitPattern) == b.samples.storage.map(\.bitPattern)
            && a.lossHistory.map(\.bitPattern) == b.lossHistory.map(\.bitPattern)
    }
}
