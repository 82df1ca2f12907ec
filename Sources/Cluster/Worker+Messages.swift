import EBMCore
import Foundation
import Logging
import Sweep
import Wire

/// What the worker says and how it answers: the greeting on each connection, JOB, CANCEL, ACK and
/// SHUTDOWN, results until acknowledged, and handing jobs back on a signal.
extension Worker {
    /// A new connection: READY, then what we still hold (so a restarted coordinator hands the
    /// leases back), then every unacknowledged result.
    func connect() throws -> any FrameChannel {
        let channel = try makeChannel()
        let ready = WorkerMessage.Ready(workerID: settings.name, host: ProcessInfo.processInfo.hostName,
                                        pid: Int(ProcessInfo.processInfo.processIdentifier), slots: settings.slots,
                                        build: settings.build)
        _ = try? channel.send(.ready(ready), timeout: .zero)
        _ = try? channel.send(.heartbeat(WorkerMessage.Heartbeat(workerID: settings.name, running: runningJobs())), timeout: .zero)
        for report in unacked.values.sorted(by: { $0.jobID < $1.jobID }) {
            _ = try? channel.send(.result(report), timeout: .zero)
        }
        return channel
    }

    func receive(_ channel: any FrameChannel, timeout seconds: Double) throws -> Delivery? {
        do { return try channel.receiveDelivery(timeout: .milliseconds(Int64(seconds * 1000))) } catch {
            if error.code == .messageTooLarge { return nil }
            throw error
        }
    }

    /// Returns true when the coordinator ends the sweep.
    func handle(_ delivery: Delivery, _ channel: any FrameChannel) throws -> Bool {
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
            // A cancelled job still winding down (to its next iteration) does not hold its slot: the
            // coordinator counts it finished when it stops it, and hands the slot its next job at
            // once. Refusing that job would idle the slot until our next heartbeat, at every stop.
            // At most one winding-down job per slot, so a coordinator that cancels and reassigns in
            // a loop cannot pile up threads. (A job cancelled in its final evaluation finishes it,
            // seconds at most, sharing the core meanwhile.)
            let active = slots.values.filter { !$0.job.isCancelled }.count
            let windingDown = slots.values.filter { $0.job.isCancelled && $0.job.result == nil }.count
            guard active < settings.slots, windingDown <= settings.slots else {
                refuse(assignment, channel)
                return false
            }
            slots[assignment.jobID] = (jobs.start(assignment, worker: settings.name), assignment)
            logger.info("job \(assignment.jobID) attempt \(assignment.attempt)", metadata: Logger.job(assignment.jobID, attempt: assignment.attempt))
        case .cancel(let jobID):
            slots[jobID]?.job.cancel()
        case .ack(let jobID, _):
            unacked[jobID] = nil
        case .heartbeat:
            break
        case .shutdown:
            for (_, entry) in slots { entry.job.cancel() }
            logger.info("coordinator says the sweep is done")
            return true
        }
        return false
    }

    /// Says no to a JOB explicitly (a cancelled attempt), so the coordinator hands the job to
    /// someone else.
    func refuse(_ assignment: CoordinatorMessage.Assignment, _ channel: any FrameChannel) {
        let refusal = ResultReport(jobID: assignment.jobID, attempt: assignment.attempt, status: .cancelled, metrics: [:],
                                   error: "worker busy", seconds: 0, secondsPerIteration: 0)
        _ = try? channel.send(.result(refusal), timeout: .milliseconds(100))
    }

    /// Sends the rung reports the jobs made since the last call. A report lost on the way is
    /// not sent again: the rule then judges the job at its next rung. A cancelled job's are
    /// dropped: the coordinator has finished that job and would count them as refused.
    func deliverRungs(_ channel: any FrameChannel) {
        for (_, entry) in slots {
            let reports = entry.job.takeRungReports()
            if entry.job.isCancelled { continue }
            for report in reports {
                _ = try? channel.send(.rung(.init(report, attempt: entry.assignment.attempt)), timeout: .milliseconds(100))
            }
        }
    }

    /// Sends each finished job's result and keeps it until the coordinator acknowledges it.
    func deliverFinished(_ channel: any FrameChannel) {
        for (jobID, entry) in slots {
            guard let result = entry.job.result else { continue }
            slots[jobID] = nil
            let report = ResultReport(result)
            unacked[jobID] = report
            lastResend = now
            _ = try? channel.send(.result(report), timeout: .milliseconds(500))
            logger.info("job \(jobID) \(result.status.rawValue) in \(String(format: "%.1f", result.seconds)) s", metadata: Logger.job(jobID))
        }
    }

    func runningJobs() -> [WorkerMessage.RunningJob] {
        var running = slots.values.map { entry in
            let p = entry.job.progress
            return WorkerMessage.RunningJob(jobID: entry.assignment.jobID, attempt: entry.assignment.attempt,
                                            iteration: p.iteration, loss: p.loss)
        }
        running += unacked.values.map { WorkerMessage.RunningJob(jobID: $0.jobID, attempt: $0.attempt, iteration: $0.payload.lossHistory.count,
                                                                loss: $0.payload.lossHistory.last ?? .nan) }
        return running.sorted { $0.jobID < $1.jobID }
    }

    /// SIGTERM/SIGINT, once the jobs told to stop have ended (or `deadline` passed): give them
    /// back (BYE) and offer the results finished before the signal.
    func stoppingTurn(signal: Int32, deadline: Double) {
        guard let channel else { return }
        if slots.values.contains(where: { $0.job.result == nil }) && now < deadline { return }
        // Results finished before the signal still count; cancelled ones are not sent.
        for (jobID, entry) in slots {
            if let result = entry.job.result, result.status != .cancelled { unacked[jobID] = ResultReport(result) }
        }
        slots.removeAll()
        for report in unacked.values { _ = try? channel.send(.result(report), timeout: .milliseconds(200)) }
        _ = try? channel.send(.bye(workerID: settings.name), timeout: .milliseconds(500))
        phase = .leaving(signal: signal, deadline: now + 2)
    }

    /// Gives the coordinator until `deadline` to acknowledge the results handed back.
    func leavingTurn(signal: Int32, deadline: Double, wait: Double) {
        guard let channel else { return }
        var timeout = wait
        while !unacked.isEmpty, now < deadline, let delivery = try? receive(channel, timeout: timeout) {
            timeout = 0
            if case .ack(let jobID, _)? = try? Codec.decode(delivery.frames, as: CoordinatorMessage.self) {
                unacked[jobID] = nil
            }
        }
        guard unacked.isEmpty || now >= deadline else { return }
        logger.notice("handed back its jobs and left")
        phase = .ended(.signal(signal))
    }
}
