import EBMCore

/// What a worker sends the coordinator (docs/design.md, "Wire protocol"). Header keys are
/// snake_case.
///
/// Equality treats NaN as equal to NaN: two messages are equal when they say the same thing on
/// the wire, and a diverged run's NaN loss must compare equal to itself after a round trip.
public enum WorkerMessage: Equatable, Sendable {
    /// On connect and every reconnect: who the worker is and how many jobs it takes at once.
    case ready(Ready)
    /// Every second: what the worker is running.
    case heartbeat(Heartbeat)
    /// A training step report of one job.
    case progress(Progress)
    /// A rung evaluation of one job (early stopping).
    case rung(Rung)
    /// A finished attempt: header plus the binary payload.
    case result(ResultReport)
    /// Orderly exit.
    case bye(workerID: String)

    public var type: WireProtocol.MessageType {
        switch self {
        case .ready: .ready
        case .heartbeat: .heartbeat
        case .progress: .progress
        case .rung: .rung
        case .result: .result
        case .bye: .bye
        }
    }

    public struct Ready: Codable, Equatable, Sendable {
        public var workerID: String
        public var host: String
        public var pid: Int
        public var slots: Int
        /// The worker's build version, so the coordinator can log mixed deployments.
        public var build: String

        public init(workerID: String, host: String, pid: Int, slots: Int, build: String) {
            self.workerID = workerID
            self.host = host
            self.pid = pid
            self.slots = slots
            self.build = build
        }

        enum CodingKeys: String, CodingKey {
            case workerID = "worker_id"
            case host, pid, slots, build
        }
    }

    /// One job a worker is running, as listed in its heartbeat.
    public struct RunningJob: Codable, Equatable, Sendable {
        public var jobID: String
        public var attempt: Int
        public var iteration: Int
        /// The last loss; may be NaN or infinite.
        public var loss: Double

        public init(jobID: String, attempt: Int, iteration: Int, loss: Double) {
            self.jobID = jobID
            self.attempt = attempt
            self.iteration = iteration
            self.loss = loss
        }

        enum CodingKeys: String, CodingKey {
            case jobID = "job_id"
            case attempt, iteration, loss
        }

        public static func == (a: Self, b: Self) -> Bool {
            a.jobID == b.jobID && a.attempt == b.attempt && a.iteration == b.iteration && sameNumber(a.loss, b.loss)
        }
    }

    public struct Heartbeat: Codable, Equatable, Sendable {
        public var workerID: String
        public var running: [RunningJob]

        public init(workerID: String, running: [RunningJob]) {
            self.workerID = workerID
            self.running = running
        }

        enum CodingKeys: String, CodingKey {
            case workerID = "worker_id"
            case running
        }
    }

    /// A PROGRESS header has the same fields as a heartbeat's running job.
    public typealias Progress = RunningJob
}

/// NaN-aware equality of header numbers: NaN equals NaN, everything else as `==`.
@inline(__always)
func sameNumber(_ a: Double, _ b: Double) -> Bool {
    a == b || (a.isNaN && b.isNaN)
}
