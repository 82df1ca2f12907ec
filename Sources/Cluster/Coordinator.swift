// Cluster: the coordinator and worker loops over ZeroMQ with their job runner, progress view, logs and signals, and `run`'s SweepRun around them.

import Artifacts
import EBMCore
import Foundation
import Logging
import Store
import Sweep
import Wire
import ZeroMQ

/// Timing of the coordinator's loop (the ZeroMQ guide's Paranoid Pirate numbers by default).
public struct CoordinatorSettings: Sendable {
    /// Heartbeats to each worker every `liveness.interval` seconds (workers send theirs at the same
    /// rate); a worker that misses `liveness.count` of them is declared lost and its jobs requeued.
    public var liveness = Liveness()
    /// Seconds between heartbeats: `liveness.interval` (the `--heartbeat` option).
    public var heartbeatInterval: Double {
        get { liveness.interval }
        set { liveness.interval = newValue }
    }
    /// Longest wait for a message before the loop looks at timers and signals.
    public var pollInterval: Double = 0.1

    public init() {}
}

/// The coordinator's loop: ROUTER socket → decode → Scheduler → SweepStore → encode → ROUTER.
///
/// Only this loop does I/O; the scheduler decides, the store remembers, the codec checks bytes.
/// Time and stop signals are inputs (`clock`, `stop`): `turn()` does what is due now, so tests
/// step the loop on virtual time (see `Coordinator+Loop`).
/// The order at every step is: persist, then tell the worker. A crash between the two leaves the
/// store with a job `running` that resume turns back into `pending`, never a lost result.
public final class Coordinator {
    public enum Outcome: Equatable {
        /// Every job finished; workers were told to shut down.
        case finished
        /// Stopped by a signal; running jobs were handed back and the state saved.
        case interrupted(Int32)
    }

    struct WorkerInfo {
        var peer: [UInt8]
        /// The CURVE key it registered with (nil without CURVE): its name is bound to it.
        var key: String?
        var host: String
        /// The process that registered: another pid under the same name is a restart.
        var pid: Int
        var slots: Int
        var build: String
        /// Progress of its own leases only (a peer cannot grow this with ids it makes up).
        var progress: [String: (iteration: Int, loss: Double)] = [:]
        /// Consecutive heartbeats that left out a leased job.
        var unreported: [String: Int] = [:]
        /// When a send first found its pipe full (nil while it reads): one that stays full is dropped.
        var stalledSince: Double?
        /// Jobs it listed that are not its own, already told to cancel: each is told once.
        var cancelled: Set<String> = []
        /// It turned a JOB away as busy: no other until its next heartbeat.
        var busy = false
    }

    let channel: FrameChannel
    let store: SweepStore
    let spec: SweepSpec
    let settings: CoordinatorSettings
    let view: ProgressView
    let logger: Logger  // what the loop saw and decided; metadata worker.id, job.id, attempt
    var scheduler: Scheduler
    var workers: [String: WorkerInfo] = [:]
    /// Connection (ROUTER-assigned routing id) → the worker it registered as.
    var peers: [[UInt8]: String] = [:]
    /// Metrics of accepted ok results, for the live "best so far".
    var okMetrics: [String: [String: Double]] = [:]
    var malformed = 0
    var refusedResults = 0
    /// READYs naming a live worker from another key.
    var refusedRegistrations = 0
    /// Log lines and events each connection can cause (see `note`).
    var budget = PeerBudget()
    /// Connections dropped for not reading, oldest first: what they send is no longer heard.
    var droppedPeers: [[UInt8]] = []
    /// The loop's time (seconds since it started) and where it hears a stop request.
    let clock: any LoopClock
    let stop: any StopSource
    /// Where the loop is (see `Coordinator+Loop`), and its timers.
    var phase = Phase.starting
    var nextHeartbeat = 0.0
    var nextDraw = 0.0
    /// Asked when no worker is registered: a reason to give up (every local worker died), or nil to wait.
    public var giveUpWhenIdle: (() -> String?)?
    /// Rewrites the report as jobs finish (nil: only at the end, by the caller).
    public var liveReport: LiveReport?
    /// Jobs the store had as running when this coordinator started: the last one died mid-lease.
    let interrupted: [String]
    /// For the ETA: what finished jobs cost against their FLOPs.
    var remainingTime = RemainingTime()
    /// The spec's early-stopping rule, restored from the stored rung reports; nil without one.
    var earlyStopping: EarlyStoppingState?
    /// Whether the race has begun (or was found needless), and the jobs it added, which run to
    /// their end without rungs (docs/design.md, "Racing").
    var raceBegun: Bool
    var racedJobs: Set<String>

    public struct GaveUp: Error, CustomStringConvertible {
        public let description: String
    }

    public init(channel: FrameChannel, store: SweepStore, spec: SweepSpec, settings: CoordinatorSettings = CoordinatorSettings(),
                view: ProgressView = ProgressView(), logger: Logger = Logger(label: "ebm-sweep.coordinator"),
                clock: any LoopClock = SystemLoopClock(), stop: any StopSource = ProcessStopSource()) throws {
        self.channel = channel
        self.store = store
        self.spec = spec
        self.settings = settings
        self.view = view
        self.logger = logger
        self.clock = clock
        self.stop = stop
        let stored = try store.jobs()
        scheduler = Scheduler(resuming: stored.map { Scheduler.ResumedJob(job: $0.job, status: $0.status, attempts: $0.attempts,
                                                                          worker: $0.worker) },
                              maxAttempts: spec.maxAttempts, liveness: settings.liveness)
        interrupted = stored.filter { $0.status == .running }.map(\.job.id)
        raceBegun = try store.hasRaced()
        racedJobs = try store.racedJobIDs()
        earlyStopping = try restoreEarlyStopping()
        for result in try store.resultSummaries() {
            if result.status == .ok { okMetrics[result.jobID] = result.metrics }
            remainingTime.add(result, work: work(forJob: result.jobID))
        }
    }

    /// Seconds since the loop started, on its clock.
    var now: Double { clock.now }

    // MARK: Timers

    func expireLostWorkers(now t: Double) throws {
        guard let next = scheduler.nextExpiry, next < t else { return }
        let held = Dictionary(uniqueKeysWithValues: scheduler.registeredWorkers.map { ($0, scheduler.leases(of: $0)) })
        for worker in scheduler.expire(now: t) {
            let jobs = held[worker] ?? []
            try persist(jobs)
            try store.log(event: StoreEvent(kind: .workerLost, worker: worker, detail: "silent for \(settings.liveness.count) heartbeats; requeued \(jobs.joined(separator: ", "))"))
            forget(worker)
            logger.warning("worker \(worker) lost (no heartbeat for \(Int(settings.liveness.expiry)) s)\(jobs.isEmpty ? "" : "; requeued \(jobs.joined(separator: ", "))")", metadata: Logger.worker(worker))
        }
    }

    func dispatch(now t: Double) throws {
        for worker in scheduler.registeredWorkers where workers[worker]?.stalledSince == nil && workers[worker]?.busy == false {
            while let (job, attempt) = scheduler.nextAssignment(for: worker, now: t) {
                try store.markLeased(jobID: job.id, worker: worker, attempt: attempt)
                let assignment = CoordinatorMessage.Assignment(jobID: job.id, attempt: attempt, config: job.config,
                                                               evaluation: spec.evaluation, rungs: rungs(for: job, now: t))
                let outcome = send(.job(assignment), to: worker)
                if outcome == .sent { continue }
                // Not sent, so not an attempt: the job waits for someone who reads.
                scheduler.release(jobID: job.id)
                try persist([job.id])
                if outcome == .gone {
                    // The worker vanished between heartbeats: its leases go back now.
                    try persist(scheduler.workerLost(worker))
                    forget(worker)
                }
                break
            }
        }
    }

    /// Writes the scheduler's current state of `jobIDs` to the store; `lastLoss` says why the
    /// last attempt ended without a result, for a job that failed of it.
    func persist(_ jobIDs: [String], lastLoss: String? = nil) throws {
        for id in jobIDs {
            let state = scheduler.state(of: id)
            // Unless it runs, its attempt ended: the ETA's next span of this job starts afresh.
            if case .running = state {} else { remainingTime.forget(jobID: id) }
            switch state {
            case .pending(let attempts)?:
                try store.markPending(jobID: id, attempts: attempts)
            case .finished(.failed, let attempts)?:
                let reason = "no result after \(attempts) attempt\(attempts == 1 ? "" : "s") (\(lastLoss ?? "workers lost"))"
                try store.markFailed(jobID: id, attempts: attempts, reason: reason)
            case .running(let worker, let attempt, _)?:
                try store.markLeased(jobID: id, worker: worker, attempt: attempt)
            case .finished?, nil:
                break
            }
        }
    }
}
