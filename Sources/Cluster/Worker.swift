import EBMCore
import Foundation
import Logging
import Sweep
import Wire
import ZeroMQ

/// How a worker finds and talks to its coordinator.
public struct WorkerSettings: Sendable {
    public var endpoint: String
    /// The worker id: its name in READY, tables and logs (not its routing id: the coordinator's
    /// ROUTER assigns those, so no client can take over another's connection).
    public var name: String
    public var slots: Int = 1
    public var heartbeatInterval: Double = 1
    /// Coordinator heartbeats missed before the worker reconnects.
    public var liveness: Int = 5
    public var reconnectInitial: Double = 0.25
    public var reconnectMax: Double = 8
    public var curve: CurveKeys.Client?
    public var build: String = "0.1.0"

    public init(endpoint: String, name: String) {
        self.endpoint = endpoint
        self.name = name
    }
}

/// The worker's loop (Paranoid Pirate): DEALER → READY → JOB → train on a slot thread → RESULT
/// until ACKed; heartbeats both ways; reconnect with backoff when the coordinator goes quiet.
///
/// The socket is owned by this loop's thread; training runs on `JobSlot` threads that only share
/// progress and results through their locks.
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

    let settings: WorkerSettings
    let runJob: Run
    /// Metadata `worker.id` on every line; `job.id` and `attempt` where a job is concerned.
    let logger: Logger
    var slots: [String: (slot: JobSlot, assignment: CoordinatorMessage.Assignment)] = [:]
    /// Results sent but not yet acknowledged, resent after a reconnect and every few seconds.
    var unacked: [String: ResultReport] = [:]
    var lastResend = 0.0
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant

    public init(settings: WorkerSettings, logger: Logger = Logger(label: "ebm-worker"),
                run: @escaping Run = Worker.trainingRun) {
        self.settings = settings
        self.runJob = run
        var logger = logger
        logger[metadataKey: "worker.id"] = "\(settings.name)"
        self.logger = logger
        started = clock.now
    }

    /// The real job: TrialRunner with the trainer.
    public static let trainingRun: Run = { assignment, worker, progress, rung in
        let plan = assignment.rungs.map { TrialRunner.RungPlan(iterations: $0.iterations, evaluation: $0.evaluation, metric: $0.metric) }
        return TrialRunner.run(config: assignment.config, evaluation: assignment.evaluation, jobID: assignment.jobID,
                               attempt: assignment.attempt, worker: worker, rungs: plan, progress: progress, onRung: rung).result
    }

    var now: Double {
        let d = started.duration(to: clock.now)
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    public func run() throws -> Exit {
        let context = try Context()
        var backoff = settings.reconnectInitial
        var socket = try connect(context)
        var lastHeard = now
        var nextHeartbeat = 0.0
        logger.info("connecting to \(settings.endpoint) with \(settings.slots) slot\(settings.slots == 1 ? "" : "s")")
        while true {
            if let signal = StopSignal.pending {
                handBack(socket)
                return .signal(signal)
            }
            // While jobs run, look often for finished ones; idle, wake only for the heartbeat.
            if let delivery = try receive(socket, timeout: .milliseconds(slots.isEmpty ? 100 : 5)) {
                lastHeard = now
                backoff = settings.reconnectInitial
                if try handle(delivery, socket) { return .shutdown }
            }
            deliverRungs(socket)
            deliverFinished(socket)
            let t = now
            if t >= nextHeartbeat {
                _ = try? socket.send(.heartbeat(WorkerMessage.Heartbeat(workerID: settings.name, running: runningJobs())),
                                     timeout: .zero)
                nextHeartbeat = t + settings.heartbeatInterval
                // A result still unacknowledged after a few heartbeats was lost on the way: offer it again.
                if !unacked.isEmpty && t - lastResend > Double(settings.liveness) * settings.heartbeatInterval {
                    for report in unacked.values { _ = try? socket.send(.result(report), timeout: .zero) }
                    lastResend = t
                }
            }
            if t - lastHeard > Double(settings.liveness) * settings.heartbeatInterval {
                logger.warning("coordinator silent for \(Int(t - lastHeard)) s; reconnecting in \(String(format: "%.2f", backoff)) s")
                socket.close()
                let wakeAt = now + backoff
                while now < wakeAt && StopSignal.pending == nil { Thread.sleep(forTimeInterval: 0.05) }
                backoff = min(backoff * 2, settings.reconnectMax)
                while true {
                    do { socket = try connect(context); break } catch {
                        // A passing failure (a name that does not resolve yet): keep the jobs, try again.
                        logger.warning("cannot connect to \(settings.endpoint): \(error); retrying in \(Int(backoff)) s")
                        let retryAt = now + backoff
                        while now < retryAt && StopSignal.pending == nil { Thread.sleep(forTimeInterval: 0.05) }
                        backoff = min(backoff * 2, settings.reconnectMax)
                        if let signal = StopSignal.pending {
                            for (_, entry) in slots { entry.slot.cancel() }
                            return .signal(signal)
                        }
                    }
                }
                lastHeard = now
            }
        }
    }

    /// A new DEALER: READY, then what we still hold (so a restarted
    /// coordinator hands the leases back), then every unacknowledged result.
    func connect(_ context: Context) throws(ZMQError) -> Socket {
        let socket = try Socket(context, kind: .dealer)
        try socket.set(.linger, to: .zero)
        try socket.set(.maxMessageSize, to: WireLimits.maxHeaderBytes + 1_048_576)
        try socket.set(.heartbeatInterval, to: .seconds(1))
        try socket.set(.heartbeatTimeout, to: .seconds(3))
        if let curve = settings.curve {
            try socket.set(.curveServerKey, to: curve.serverKey)
            try socket.set(.curvePublicKey, to: curve.publicKey)
            try socket.set(.curveSecretKey, to: curve.secretKey)
        }
        try socket.connect(settings.endpoint)
        let ready = WorkerMessage.Ready(workerID: settings.name, host: ProcessInfo.processInfo.hostName,
                                        pid: Int(ProcessInfo.processInfo.processIdentifier), slots: settings.slots,
                                        build: settings.build)
        _ = try? socket.send(.ready(ready), timeout: .zero)
        _ = try? socket.send(.heartbeat(WorkerMessage.Heartbeat(workerID: settings.name, running: runningJobs())), timeout: .zero)
        for report in unacked.values.sorted(by: { $0.jobID < $1.jobID }) {
            _ = try? socket.send(.result(report), timeout: .zero)
        }
        return socket
    }

    func receive(_ socket: Socket, timeout: Duration) throws -> Delivery? {
        do { return try socket.receiveDelivery(timeout: timeout) } catch {
            if error.code == .messageTooLarge { return nil }
            throw error
        }
    }

    /// Returns true when the coordinator ends the sweep.
    func handle(_ delivery: Delivery, _ socket: Socket) throws -> Bool {
        let message: CoordinatorMessage
        do { message = try Codec.decode(delivery.frames, as: CoordinatorMessage.self) } catch {
            logger.warning("dropped a malformed message: \(error)")
            return false
        }
        switch message {
        case .job(let assignment):
            // Already running it (a JOB crossing our post-reconnect heartbeat): that heartbeat says
            // which attempt we run, and the coordinator settles it; a refusal would cost an attempt.
            if slots[assignment.jobID] != nil { return false }
            guard slots.count < settings.slots else {
                // Say no explicitly (a cancelled attempt), so the coordinator hands the job to someone else.
                let refusal = ResultReport(jobID: assignment.jobID, attempt: assignment.attempt, status: .cancelled, metrics: [:],
                                           error: "worker busy", seconds: 0, secondsPerIteration: 0)
                _ = try? socket.send(.result(refusal), timeout: .milliseconds(100))
                return false
            }
            let job = Job(id: assignment.jobID, configID: "", seed: assignment.config.seed, config: assignment.config)
            let slot = JobSlot(job: job, attempt: assignment.attempt)
            let run = runJob
            let name = settings.name
            slot.start { _, _, progress, rung in run(assignment, name, progress, rung) }
            slots[assignment.jobID] = (slot, assignment)
            logger.info("job \(assignment.jobID) attempt \(assignment.attempt)", metadata: Logger.job(assignment.jobID, attempt: assignment.attempt))
        case .cancel(let jobID):
            slots[jobID]?.slot.cancel()
        case .ack(let jobID, _):
            unacked[jobID] = nil
        case .heartbeat:
            break
        case .shutdown:
            for (_, entry) in slots { entry.slot.cancel() }
            logger.info("coordinator says the sweep is done")
            return true
        }
        return false
    }

    /// Sends the rung reports the slots made since the last call. A report lost on the way is
    /// not sent again: the rule then judges the job at its next rung.
    func deliverRungs(_ socket: Socket) {
        for (_, entry) in slots {
            for report in entry.slot.takeRungReports() {
                _ = try? socket.send(.rung(.init(report, attempt: entry.assignment.attempt)), timeout: .milliseconds(100))
            }
        }
    }

    /// Sends each finished slot's result and keeps it until the coordinator acknowledges it.
    func deliverFinished(_ socket: Socket) {
        for (jobID, entry) in slots {
            guard let result = entry.slot.result else { continue }
            slots[jobID] = nil
            let report = ResultReport(result)
            unacked[jobID] = report
            lastResend = now
            _ = try? socket.send(.result(report), timeout: .milliseconds(500))
            logger.info("job \(jobID) \(result.status.rawValue) in \(String(format: "%.1f", result.seconds)) s", metadata: Logger.job(jobID))
        }
    }

    func runningJobs() -> [WorkerMessage.RunningJob] {
        var running = slots.values.map { entry in
            let p = entry.slot.progress
            return WorkerMessage.RunningJob(jobID: entry.assignment.jobID, attempt: entry.assignment.attempt,
                                            iteration: p.iteration, loss: p.loss)
        }
        running += unacked.values.map { WorkerMessage.RunningJob(jobID: $0.jobID, attempt: $0.attempt, iteration: $0.payload.lossHistory.count,
                                                                loss: $0.payload.lossHistory.last ?? .nan) }
        return running.sorted { $0.jobID < $1.jobID }
    }

    /// SIGTERM/SIGINT: stop the jobs, give them back (BYE), try to deliver finished results.
    func handBack(_ socket: Socket) {
        for (_, entry) in slots { entry.slot.cancel() }
        let deadline = now + 10
        while slots.values.contains(where: { $0.slot.result == nil }) && now < deadline { Thread.sleep(forTimeInterval: 0.02) }
        // Results finished before the signal still count; cancelled ones are not sent.
        for (jobID, entry) in slots {
            if let result = entry.slot.result, result.status != .cancelled { unacked[jobID] = ResultReport(result) }
        }
        slots.removeAll()
        for report in unacked.values { _ = try? socket.send(.result(report), timeout: .milliseconds(200)) }
        _ = try? socket.send(.bye(workerID: settings.name), timeout: .milliseconds(500))
        // Give the coordinator a moment to ACK; LINGER 0 would drop what is still queued.
        let ackDeadline = now + 2
        while !unacked.isEmpty && now < ackDeadline {
            if let delivery = try? socket.receiveDelivery(timeout: .milliseconds(50)),
               case .ack(let jobID, _)? = try? Codec.decode(delivery.frames, as: CoordinatorMessage.self) {
                unacked[jobID] = nil
            }
        }
        Thread.sleep(forTimeInterval: 0.1)
        logger.notice("handed back its jobs and left")
    }
}
