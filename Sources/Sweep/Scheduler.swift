import EBMCore

/// Where and when jobs run: a pure state machine over jobs and workers. It does no I/O and reads
/// no clock: every operation that depends on time takes `now` (seconds on any monotonic clock the
/// caller picks: the coordinator's `LoopClock`). The coordinator loop feeds it
/// decoded messages and timer ticks, and persists what it returns.
///
/// Invariants (checked by `checkInvariants()` in tests): every job is pending, running or finished;
/// a lease is held by exactly one registered worker and listed in that worker's leases; a pending
/// job has `attempts < maxAttempts`; a finished job never changes again.
public struct Scheduler: Sendable {
    struct Worker: Sendable {
        var slots: Int
        /// Time after which the worker is lost unless it speaks again.
        var expiry: Double
        /// Indices of the jobs it holds.
        var leases: Set<Int>
    }

    /// Jobs in plan order (racing's appended at the end); assignments go to the first pending
    /// job in this order.
    public private(set) var jobs: [Job]
    public let maxAttempts: Int
    public let liveness: Liveness
    var states: [JobState]
    private(set) var indexByID: [String: Int]
    var workers: [String: Worker] = [:]
    /// The latest lease issued for each unfinished job: the only one a worker may adopt, so a
    /// peer cannot claim (and then burn) attempts it was never given.
    var issued: [Int: IssuedLease] = [:]

    /// Who was given which attempt of a job.
    struct IssuedLease: Sendable, Equatable {
        var worker: String
        var attempt: Int
    }

    /// A fresh sweep: every job pending with no attempts.
    /// - Precondition: job ids are distinct; `maxAttempts >= 1`.
    public init(jobs: [Job], maxAttempts: Int = SweepSpec.defaultMaxAttempts, liveness: Liveness = Liveness()) {
        self.init(resuming: jobs.map { ResumedJob(job: $0, status: .pending, attempts: 0) },
                  maxAttempts: maxAttempts, liveness: liveness)
    }

    /// What the store remembers of one job.
    public struct ResumedJob: Sendable {
        public var job: Job
        public var status: RunStatus
        /// For pending jobs: leases lost so far. For running jobs: the attempt number of the
        /// interrupted lease. For finished jobs: the attempt that finished them.
        public var attempts: Int
        /// For running jobs: the worker holding the interrupted lease, which may adopt it again.
        public var worker: String?
        public init(job: Job, status: RunStatus, attempts: Int, worker: String? = nil) {
            self.job = job
            self.status = status
            self.attempts = attempts
            self.worker = worker
        }
    }

    /// Resumes a sweep: finished jobs stay finished (never run again); running jobs become pending
    /// and their interrupted attempt is not counted (the coordinator died, not the job); pending
    /// attempts are clamped below `maxAttempts`, so a lowered limit still gives one more try.
    /// - Precondition: job ids are distinct; `maxAttempts >= 1`.
    public init(resuming stored: [ResumedJob], maxAttempts: Int = SweepSpec.defaultMaxAttempts,
                liveness: Liveness = Liveness()) {
        precondition(maxAttempts >= 1, "maxAttempts must be at least 1")
        self.jobs = stored.map(\.job)
        self.maxAttempts = maxAttempts
        self.liveness = liveness
        var index: [String: Int] = [:]
        for (i, s) in stored.enumerated() {
            precondition(index.updateValue(i, forKey: s.job.id) == nil, "duplicate job id \(s.job.id)")
        }
        self.indexByID = index
        self.states = stored.map { s in
            let clamped = min(max(0, s.attempts), maxAttempts - 1)
            switch s.status {
            case .ok, .diverged, .failed, .stopped: return .finished(s.status, attempts: s.attempts)
            case .running: return .pending(attempts: min(max(0, s.attempts - 1), maxAttempts - 1))
            case .pending, .cancelled: return .pending(attempts: clamped)
            }
        }
        for (i, s) in stored.enumerated() where s.status == .running && (1...maxAttempts).contains(s.attempts) {
            if let worker = s.worker { issued[i] = IssuedLease(worker: worker, attempt: s.attempts) }
        }
    }

    /// Appends `added` as pending jobs with no attempts (racing's extra seeds); ids the scheduler
    /// already knows are skipped.
    public mutating func add(_ added: [Job]) {
        for job in added where indexByID[job.id] == nil {
            indexByID[job.id] = jobs.count
            jobs.append(job)
            states.append(.pending(attempts: 0))
        }
    }

    // MARK: Queries

    public func state(of jobID: String) -> JobState? {
        indexByID[jobID].map { states[$0] }
    }

    public func job(withID id: String) -> Job? {
        indexByID[id].map { jobs[$0] }
    }

    public var counts: SchedulerCounts {
        var c = SchedulerCounts()
        for s in states {
            switch s.status {
            case .pending, .cancelled: c.pending += 1
            case .running: c.running += 1
            case .ok: c.ok += 1
            case .diverged: c.diverged += 1
            case .failed: c.failed += 1
            case .stopped: c.stopped += 1
            }
        }
        return c
    }

    /// True when every job is finished: the sweep is over.
    public var isComplete: Bool { states.allSatisfy(\.isFinished) }

    public var registeredWorkers: [String] { workers.keys.sorted() }

    /// Ids of the jobs `worker` holds, in plan order.
    public func leases(of worker: String) -> [String] {
        (workers[worker]?.leases.sorted() ?? []).map { jobs[$0].id }
    }

    /// The earliest worker expiry: when the loop must call `expire(now:)` next, if nothing else wakes it.
    public var nextExpiry: Double? { workers.values.map(\.expiry).min() }
}
