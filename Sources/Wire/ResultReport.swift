import EBMCore

/// A RESULT: the header fields plus the binary payload (checkpoint, samples, loss history).
///
/// `payload` is not part of the JSON header; the codec carries it in frame 3.
public struct ResultReport: Codable, Equatable, Sendable {
    public var jobID: String
    public var attempt: Int
    /// How the attempt ended: a word with `endsAttempt` (see `init(from:)` for the others).
    public var status: RunStatus
    /// Metric name (docs/design.md, "Metrics") → value; values may be NaN or infinite.
    public var metrics: [String: Double]
    /// Why the attempt failed or diverged; nil when it succeeded.
    public var error: String?
    /// Wall time of the attempt on the worker.
    public var seconds: Double
    public var secondsPerIteration: Double
    /// The worker's BLAS kernel family and CPU vector width (`Hardware`); absent from older workers.
    public var blasKernel: String?
    public var vectorWidth: Int?
    public var payload: ResultPayload = ResultPayload()

    public init(jobID: String, attempt: Int, status: RunStatus, metrics: [String: Double], error: String? = nil,
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
        case blasKernel = "blas_kernel"
        case vectorWidth = "vector_width"
        case attempt, status, metrics, error, seconds
    }

    /// Reads a RESULT header. A status word that ends no attempt here (a word of a newer worker
    /// build, or `pending`/`running`) makes the attempt `failed`, its error naming the word: the
    /// job ends with that reason, where refusing the RESULT would have it resent, and the job
    /// rerun, for ever. A status that is not a short identifier is malformed.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        jobID = try c.decode(String.self, forKey: .jobID)
        attempt = try c.decode(Int.self, forKey: .attempt)
        metrics = try c.decode([String: Double].self, forKey: .metrics)
        self.error = try c.decodeIfPresent(String.self, forKey: .error)
        seconds = try c.decode(Double.self, forKey: .seconds)
        secondsPerIteration = try c.decode(Double.self, forKey: .secondsPerIteration)
        blasKernel = try c.decodeIfPresent(String.self, forKey: .blasKernel)
        vectorWidth = try c.decodeIfPresent(Int.self, forKey: .vectorWidth)
        let word = try c.decode(String.self, forKey: .status)
        if let known = RunStatus(rawValue: word), known.endsAttempt {
            status = known
            return
        }
        do { try Check.identifier(word, "status") } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.status], debugDescription: error.message))
        }
        status = .failed
        let reason = "the worker reported status \"\(word)\", which ends no attempt in this build"
        self.error = String((self.error.map { "\(reason): \($0)" } ?? reason).unicodeScalars.prefix(WireLimits.maxErrorLength))
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.jobID == b.jobID && a.attempt == b.attempt && a.status == b.status && a.error == b.error
            && sameNumber(a.seconds, b.seconds) && sameNumber(a.secondsPerIteration, b.secondsPerIteration)
            && a.blasKernel == b.blasKernel && a.vectorWidth == b.vectorWidth
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
