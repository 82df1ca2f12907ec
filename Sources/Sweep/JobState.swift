import EBMCore

/// Where one job stands in the scheduler: a `RunStatus` with what the scheduler needs beside it.
/// Attempts count leases that ended without a result (a lost or restarted worker); a lease handed
/// back on shutdown (`release`) does not count.
public enum JobState: Hashable, Sendable {
    /// Waiting; `attempts` leases have been lost so far (always < `maxAttempts`).
    case pending(attempts: Int)
    /// Leased to `worker` as attempt number `attempt` (1-based) until `deadline` (the worker's
    /// liveness expiry, pushed back by each heartbeat).
    case running(worker: String, attempt: Int, deadline: Double)
    /// Over with `status` (ok, diverged, failed or stopped); `attempts` is the attempt that finished it
    /// (or the last lost one, for a job that gave up).
    case finished(RunStatus, attempts: Int)

    public var status: RunStatus {
        switch self {
        case .pending: .pending
        case .running: .running
        case .finished(let status, _): status
        }
    }

    public var isFinished: Bool {
        if case .finished = self { true } else { false }
    }
}

/// The scheduler's answer to a result; only `.accepted` results are stored.
public enum Acceptance: String, Sendable, CaseIterable {
    /// The first result for the job, from the worker holding its current lease: store it.
    case accepted
    /// The job already finished; a late copy (log and drop).
    case duplicate
    /// Another worker holds the current lease (this one was presumed lost).
    case notLeasedToThisWorker
    /// This worker's lease is not the current one (an earlier attempt, or the job was requeued).
    case staleAttempt
    /// No job has this id in this sweep.
    case unknownJob
}

/// Heartbeat interval × liveness count = expiry (the ZeroMQ guide's Majordomo pattern).
public struct Liveness: Sendable, Equatable {
    /// Seconds between heartbeats.
    public var interval: Double
    /// Missed heartbeats after which a peer is dead.
    public var count: Int

    public init(interval: Double = 1, count: Int = 5) {
        precondition(interval > 0 && count >= 1, "Liveness needs a positive interval and count")
        self.interval = interval
        self.count = count
    }

    /// Seconds of silence after which a peer is lost.
    public var expiry: Double { interval * Double(count) }

    /// The deadline of a peer last heard at `heardAt`: it is lost once the clock is past it.
    /// Both ends use this one rule (the scheduler for workers, a worker for its coordinator).
    public func deadline(heardAt: Double) -> Double { heardAt + expiry }

    /// Whether a peer with `deadline` is lost at `now` (silent for longer than `expiry`).
    public static func isPast(_ deadline: Double, now: Double) -> Bool { deadline < now }

    /// Whether a peer last heard at `heardAt` is lost at `now`.
    public func isLost(heardAt: Double, now: Double) -> Bool { Self.isPast(deadline(heardAt: heardAt), now: now) }
}

/// Job counts by status, for progress lines.
public struct SchedulerCounts: Sendable, Equatable {
    public var pending = 0
    public var running = 0
    public var ok = 0
    public var diverged = 0
    public var failed = 0
    public var stopped = 0

    public var total: Int { pending + running + finished }
    public var finished: Int { ok + diverged + failed + stopped }
}
