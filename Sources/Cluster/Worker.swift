import EBMCore
import Foundation
import Logging
import Sweep
import Wire

/// How a worker finds and talks to its coordinator.
public struct WorkerSettings: Sendable {
    public var endpoint: String
    /// The worker id: its name in READY, tables and logs (not its routing id: the coordinator's
    /// ROUTER assigns those, so no client can take over another's connection).
    public var name: String
    public var slots: Int = 1
    /// Heartbeats every `liveness.interval` seconds; after `liveness.count` missed coordinator
    /// heartbeats the worker reconnects (the same rule the coordinator applies to workers).
    public var liveness = Liveness()
    /// Seconds between heartbeats: `liveness.interval` (the `--heartbeat` option).
    public var heartbeatInterval: Double {
        get { liveness.interval }
        set { liveness.interval = newValue }
    }
    public var reconnectInitial: Double = 0.25
    public var reconnectMax: Double = 8
    public var curve: CurveKeys.Client?
    public var build: String = Hardware.buildVersion

    public init(endpoint: String, name: String) {
        self.endpoint = endpoint
        self.name = name
    }
}

/// The worker's loop (Paranoid Pirate): DEALER → READY → JOB → run it → RESULT until ACKed;
/// heartbeats both ways; reconnect with backoff when the coordinator goes quiet.
///
/// Like the coordinator's, the loop takes its time, stop requests, connections and job runner
/// as inputs, and `turn()` does what is due now without waiting (docs/design.md, "Time and stop
/// signals are inputs"). The channel is owned by this loop's thread; jobs run elsewhere (threads,
/// in production) and share only progress and results through their `JobHandle`.
public final class Worker {
    /// One job: `progress` sees every iteration and `rung` every rung evaluation (false from
    /// either: the job was cancelled).
    public typealias Run = @Sendable (_ assignment: CoordinatorMessage.Assignment, _ worker: String,
                                      _ progress: (Int, Double) -> Bool, _ rung: (RungReport) -> Bool) -> JobResult

    public enum Exit: Equatable {
        /// The coordinator said the sweep is over.
        case shutdown
        /// A signal: jobs were handed back (BYE).
        case signal(Int32)
    }

    enum Phase {
        case starting
        case connected
        /// The coordinator went quiet (or a connect failed): the next attempt is at `retryAt`.
        case disconnected(retryAt: Double)
        /// A signal: the jobs were told to stop; waiting (until `deadline`) for them to end.
        case stopping(signal: Int32, deadline: Double)
        /// Finished results and BYE sent; waiting (until `deadline`) for the ACKs.
        case leaving(signal: Int32, deadline: Double)
        case ended(Exit)
    }

    let settings: WorkerSettings
    let makeChannel: () throws -> any FrameChannel
    let jobs: any JobRunner
    let clock: any LoopClock
    let stop: any StopSource
    /// Metadata `worker.id` on every line; `job.id` and `attempt` where a job is concerned.
    let logger: Logger
    var channel: (any FrameChannel)?
    var phase = Phase.starting
    var slots: [String: (job: any JobHandle, assignment: CoordinatorMessage.Assignment)] = [:]
    /// Results sent but not yet acknowledged, resent after a reconnect and every few seconds.
    var unacked: [String: ResultReport] = [:]
    var lastResend = 0.0
    var lastHeard = 0.0
    var nextHeartbeat = 0.0
    var backoff: Double

    /// A worker whose connections come from `connect` (each call a new one) and whose jobs run
    /// on `jobs`, on `clock`, stopping when `stop` says so.
    public init(settings: WorkerSettings, logger: Logger = Logger(label: "ebm-worker"),
                connect: @escaping () throws -> any FrameChannel,
                jobs: any JobRunner = ThreadJobRunner(run: Worker.trainingRun),
                clock: any LoopClock = SystemLoopClock(), stop: any StopSource = ProcessStopSource()) {
        self.settings = settings
        self.makeChannel = connect
        self.jobs = jobs
        self.clock = clock
        self.stop = stop
        var logger = logger
        logger[metadataKey: "worker.id"] = "\(settings.name)"
        self.logger = logger
        backoff = settings.reconnectInitial
    }

    /// A worker over ZeroMQ to `settings.endpoint` (see `Transport.connector`), running `run` on threads.
    public convenience init(settings: WorkerSettings, logger: Logger = Logger(label: "ebm-worker"),
                            run: @escaping Run = Worker.trainingRun) throws {
        let connect = try Transport.connector(endpoint: settings.endpoint, liveness: settings.liveness, curve: settings.curve)
        self.init(settings: settings, logger: logger, connect: connect, jobs: ThreadJobRunner(run: run))
    }

    /// The real job: TrialRunner with the trainer.
    public static let trainingRun: Run = { assignment, worker, progress, rung in
        let plan = assignment.rungs.map { TrialRunner.RungPlan(iterations: $0.iterations, evaluation: $0.evaluation, metric: $0.metric) }
        return TrialRunner.run(config: assignment.config, evaluation: assignment.evaluation, jobID: assignment.jobID,
                               attempt: assignment.attempt, worker: worker, rungs: plan, progress: progress, onRung: rung).result
    }

    var now: Double { clock.now }

    /// How the loop ended, once it has.
    public var exit: Exit? {
        if case .ended(let exit) = phase { exit } else { nil }
    }

    /// Runs until the coordinator ends the sweep or a signal arrives. Throws when the first
    /// connection cannot even be attempted (an endpoint libzmq refuses).
    public func run() throws -> Exit {
        while true {
            if let exit {
                // LINGER 0 drops what is still queued: give the last BYE and results a moment to leave.
                if case .signal = exit { Thread.sleep(forTimeInterval: 0.1) }
                return exit
            }
            try turn(waitingUpTo: nextWait())
        }
    }

    /// Handles what has arrived and what is due at the clock's current time, without waiting.
    /// - Returns: how the loop ended, once it has, else nil.
    @discardableResult
    public func turn() throws -> Exit? {
        try turn(waitingUpTo: 0)
    }

    /// One turn that may first wait up to `wait` seconds (for a message, or for time to pass).
    func turn(waitingUpTo wait: Double) throws -> Exit? {
        if case .starting = phase {
            logger.info("connecting to \(settings.endpoint) with \(settings.slots) slot\(settings.slots == 1 ? "" : "s")")
            lastHeard = now
            channel = try connect()
            phase = .connected
        }
        switch phase {
        case .starting, .connected: try connectedTurn(wait: wait)
        case .disconnected(let retryAt): pause(wait); reconnectTurn(retryAt: retryAt)
        case .stopping(let signal, let deadline): pause(wait); stoppingTurn(signal: signal, deadline: deadline)
        case .leaving(let signal, let deadline): leavingTurn(signal: signal, deadline: deadline, wait: wait)
        case .ended: break
        }
        return exit
    }

    /// While jobs run, look often for finished ones; idle, wake only for the heartbeat. Without a
    /// connection, sleep in short steps so a signal is heard.
    func nextWait() -> Double {
        switch phase {
        case .disconnected(let retryAt): max(0, min(0.05, retryAt - now))
        case .stopping: 0.02
        case .leaving: 0.05
        default: slots.isEmpty ? 0.1 : 0.005
        }
    }

    func pause(_ seconds: Double) {
        if seconds > 0 { Thread.sleep(forTimeInterval: seconds) }
    }

    func connectedTurn(wait: Double) throws {
        guard let channel else { return }
        if let signal = stop.pending {
            for (_, entry) in slots { entry.job.cancel() }
            phase = .stopping(signal: signal, deadline: now + 10)
            return
        }
        var timeout = wait
        for _ in 0..<1000 {
            guard let delivery = try receive(channel, timeout: timeout) else { break }
            timeout = 0
            lastHeard = now
            backoff = settings.reconnectInitial
            if try handle(delivery, channel) {
                phase = .ended(.shutdown)
                return
            }
        }
        deliverRungs(channel)
        deliverFinished(channel)
        let t = now
        if t >= nextHeartbeat {
            _ = try? channel.send(.heartbeat(WorkerMessage.Heartbeat(workerID: settings.name, running: runningJobs())), timeout: .zero)
            nextHeartbeat = t + settings.heartbeatInterval
            // A result still unacknowledged after a few heartbeats was lost on the way: offer it again.
            if !unacked.isEmpty && t - lastResend > settings.liveness.expiry {
                for report in unacked.values { _ = try? channel.send(.result(report), timeout: .zero) }
                lastResend = t
            }
        }
        if settings.liveness.isLost(heardAt: lastHeard, now: t) {
            logger.warning("coordinator silent for \(Int(t - lastHeard)) s; reconnecting in \(String(format: "%.2f", backoff)) s")
            channel.close()
            self.channel = nil
            phase = .disconnected(retryAt: t + backoff)
            backoff = min(backoff * 2, settings.reconnectMax)
        }
    }

    /// Connects again once the backoff has passed (at once when a signal asks to hand jobs back).
    func reconnectTurn(retryAt: Double) {
        let signal = stop.pending
        guard signal != nil || now >= retryAt else { return }
        do {
            channel = try connect()
            lastHeard = now
            phase = .connected
        } catch {
            if let signal {
                for (_, entry) in slots { entry.job.cancel() }
                phase = .ended(.signal(signal))
                return
            }
            // A passing failure (a name that does not resolve yet): keep the jobs, try again.
            logger.warning("cannot connect to \(settings.endpoint): \(error); retrying in \(Int(backoff)) s")
            phase = .disconnected(retryAt: now + backoff)
            backoff = min(backoff * 2, settings.reconnectMax)
        }
    }
}
