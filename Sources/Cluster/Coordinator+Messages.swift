import EBMCore
import Foundation
import Logging
import Report
import Store
import Sweep
import Wire

/// What the coordinator does with each worker message. Nothing a peer sends is trusted: the
/// sender is its routing id, every field was validated by the codec, and results count only
/// from the worker holding the job's current lease.
extension Coordinator {
    func handle(_ delivery: Delivery) throws {
        guard let peer = delivery.peer, !isDropped(peer) else { return }
        let message: WorkerMessage
        // A RESULT's payload is read only once the result is known to be wanted (`accept`).
        do { message = try Codec.decodeHeader(delivery.frames) } catch {
            countMalformed(peer: peer, reason: "\(error)")
            return
        }
        let t = now
        if case .ready(let ready) = message {
            try register(ready, from: peer, key: delivery.senderKey, now: t)
            return
        }
        // Every other message speaks for the worker its connection registered as.
        guard let worker = peers[peer] else {
            // Not acknowledged: a worker whose connection was renewed under it (a restarted
            // coordinator, a link blip) offers the result again once it has registered.
            if case .result = message { refusedResults += 1 }
            return
        }
        switch message {
        case .ready:
            return
        case .heartbeat(let heartbeat):
            guard heartbeat.workerID == worker, scheduler.heartbeat(worker: worker, now: t) else { return }
            for running in heartbeat.running {
                try reconcile(running, worker: worker, now: t)
            }
            let listed = Set(heartbeat.running.map(\.jobID))
            workers[worker]?.cancelled.formIntersection(listed)
            workers[worker]?.busy = false
            try releaseUnreported(by: worker, running: listed, now: t)

        case .progress(let progress):
            guard scheduler.heartbeat(worker: worker, now: t),
                  case .running(worker, progress.attempt, _)? = scheduler.state(of: progress.jobID) else { return }
            noteProgress(of: progress.jobID, on: worker, iteration: progress.iteration, loss: progress.loss, now: t)

        case .rung(let rung):
            try judge(rung, from: worker, now: t)

        case .result(let report):
            try accept(report, frames: delivery.frames, from: worker, now: t)

        case .bye(let workerID):
            guard workerID == worker else { return }
            let released = scheduler.unregister(worker: worker)
            try persist(released)
            forget(worker)
            note("worker \(worker) left\(released.isEmpty ? "" : ", handing back \(released.joined(separator: ", "))")",
                 metadata: Logger.worker(worker), event: StoreEvent(kind: .workerLeft, worker: worker, detail: "handed back \(released.joined(separator: ", "))"),
                 peer: peer, now: t)
        }
    }

    /// READY: the connection `peer` is now worker `ready.workerID`. Workers do not choose their
    /// ZeroMQ routing ids (the ROUTER assigns them, and a client cannot forge one), so a name is
    /// bound to the connection that last registered it: a worker that reconnects takes its name
    /// back, and the old connection's messages are no longer heard.
    ///
    /// With CURVE a live name is also bound to the key it registered with: another admitted key
    /// cannot take it over (and with it hand the worker's leases back to pending) until that
    /// worker has been declared lost. Workers sharing one key are not told apart this way; give
    /// each host its own (`ebm-sweep keygen --name`).
    func register(_ ready: WorkerMessage.Ready, from peer: [UInt8], key: String?, now t: Double) throws {
        let worker = ready.workerID
        if let old = peers[peer], old != worker {
            countMalformed(peer: peer, reason: "READY as '\(worker)' from a connection registered as '\(old)'")
            return
        }
        if let holder = workers[worker], holder.key != key {
            refusedRegistrations += 1
            let detail = "READY #\(refusedRegistrations) as '\(worker)' from key \(key ?? "(none)"), but it is registered with key \(holder.key ?? "(none)")"
            note("refused \(detail)", level: .warning, metadata: Logger.worker(worker),
                 event: StoreEvent(kind: .refusedRegistration, worker: worker, detail: detail), peer: peer, now: t)
            return
        }
        let previous = workers[worker]
        if let old = previous?.peer, old != peer { peers[old] = nil }
        // The same process on a new connection is usually still running its jobs: hand them back
        // without counting an attempt; its next heartbeat lists them and adopts the leases back.
        // Another process under the name means the old one died, maybe killed by its job: those
        // attempts count (register's workerLost), so a job that kills its workers ends failed.
        let restarted = previous.map { $0.pid != ready.pid || $0.host != ready.host } ?? false
        if !restarted { try persist(scheduler.unregister(worker: worker)) }
        let requeued = scheduler.register(worker: worker, slots: ready.slots, now: t)
        try persist(requeued, lastLoss: "worker \(worker) restarted while running it")
        peers[peer] = worker
        workers[worker] = WorkerInfo(peer: peer, key: key, host: ready.host, pid: ready.pid, slots: ready.slots, build: ready.build)
        let how = restarted ? "restarted (pid \(previous?.pid ?? 0) → \(ready.pid))" : previous != nil ? "re-registered" : "joined"
        note("worker \(worker) \(how) from \(ready.host) (\(ready.slots) slot\(ready.slots == 1 ? "" : "s"))"
             + (restarted && !requeued.isEmpty ? "; its jobs \(requeued.joined(separator: ", ")) count an attempt" : ""),
             level: restarted ? .warning : .info, metadata: Logger.worker(worker), event: StoreEvent(kind: .workerJoined, worker: worker,
                               detail: "host \(ready.host), pid \(ready.pid), \(ready.slots) slots, build \(ready.build)"),
             peer: peer, now: t)
        send(.heartbeat, to: worker)
    }

    /// Heartbeats in a row that may omit a leased job before it is taken back: a JOB and a
    /// heartbeat can cross on the wire once, not three times.
    static let unreportedLimit = 3

    /// Backstop for a JOB the worker never started (it could not decode it, or the JOB was lost):
    /// a lease the worker's heartbeats keep leaving out ends as a lost attempt, so a job no worker
    /// can start ends failed at the limit instead of going round for ever.
    func releaseUnreported(by worker: String, running: Set<String>, now t: Double) throws {
        for jobID in scheduler.leases(of: worker) {
            if running.contains(jobID) {
                workers[worker]?.unreported[jobID] = nil
                continue
            }
            let misses = (workers[worker]?.unreported[jobID] ?? 0) + 1
            workers[worker]?.unreported[jobID] = misses
            if misses >= Self.unreportedLimit {
                workers[worker]?.unreported[jobID] = nil
                scheduler.leaseLost(jobID: jobID)
                try persist([jobID], lastLoss: "worker \(worker) never reported it: it could not decode or start it")
                if let peer = workers[worker]?.peer {
                    note("worker \(worker) never reported \(jobID); handed back as a lost attempt", level: .warning,
                         metadata: Logger.job(jobID, worker: worker), peer: peer, now: t)
                }
            }
        }
    }

    /// A worker says it runs a job: fine if it holds the lease; if the job is pending and this
    /// worker was issued that attempt (the coordinator restarted, or the worker was presumed
    /// lost), it gets the lease back; a job of this sweep it does not hold is cancelled, once.
    /// Ids that are not of this sweep are ignored: answering each would let one heartbeat make
    /// us send a thousand messages.
    func reconcile(_ running: WorkerMessage.RunningJob, worker: String, now t: Double) throws {
        let jobID = running.jobID
        guard scheduler.job(withID: jobID) != nil else { return }
        if case .running(worker, running.attempt, _)? = scheduler.state(of: jobID) {
            noteProgress(of: jobID, on: worker, iteration: running.iteration, loss: running.loss, now: t)
            return
        }
        if scheduler.adopt(jobID: jobID, attempt: running.attempt, worker: worker, now: t) {
            noteProgress(of: jobID, on: worker, iteration: running.iteration, loss: running.loss, now: t)
            try store.markLeased(jobID: jobID, worker: worker, attempt: running.attempt)
            if let peer = workers[worker]?.peer {
                note("worker \(worker) still runs \(jobID) (attempt \(running.attempt)): lease handed back to it",
                     metadata: Logger.job(jobID, attempt: running.attempt, worker: worker), peer: peer, now: t)
            }
        } else if workers[worker]?.cancelled.insert(jobID).inserted == true {
            send(.cancel(jobID: jobID), to: worker)
        }
    }

    /// A RESULT, whose payload is still unread in `frames`: read only for a result that is kept.
    func accept(_ report: ResultReport, frames: [[UInt8]], from worker: String, now t: Double) throws {
        guard let peer = workers[worker]?.peer else { return }
        if report.status == .cancelled {
            // A cancelled RESULT for the current lease was not asked for (CANCEL goes only to
            // workers not holding the job): the worker is busy with a job we do not know it runs
            // (it ran on while we restarted). Not the job's fault, so not an attempt; but no JOB
            // for it until its next heartbeat says what it runs, or the two would go round as
            // fast as the loop turns. (A worker that cannot run a job says `failed`, or, unable
            // to decode it, nothing: see `releaseUnreported`.)
            if case .running(worker, report.attempt, _)? = scheduler.state(of: report.jobID) {
                scheduler.release(jobID: report.jobID)
                try persist([report.jobID])
                workers[worker]?.busy = true
            }
            send(.ack(jobID: report.jobID, attempt: report.attempt), to: worker)
            return
        }
        var acceptance = scheduler.acceptance(jobID: report.jobID, attempt: report.attempt, worker: worker)
        var result: JobResult?
        if acceptance == .accepted {
            var whole = report
            do {
                whole.payload = try Codec.decodeResultPayload(frames)
                try WorkerMessage.result(whole).validate()
            } catch {
                // Not acknowledged: the worker offers it again, perhaps intact.
                countMalformed(peer: peer, reason: "\(error)")
                return
            }
            // A worker of an older build may call an exploded run ok: the sweep applies the same rule.
            if whole.status == .ok, let reason = RunVerdict.divergence(samples: whole.payload.samples, metrics: whole.metrics) {
                whole.status = .diverged
                whole.error = reason
            }
            // Every other status the decoder lets through is finished: ok, diverged, or failed (with
            // its reason; also what a status unknown to this build becomes, see ResultReport).
            acceptance = scheduler.complete(jobID: report.jobID, attempt: report.attempt, worker: worker, status: whole.status)
            result = whole.jobResult(worker: worker)
        }
        switch acceptance {
        case .accepted:
            guard var result else { return }
            result.error = result.error.map { PeerText.escaped($0) }
            // The commit point: the result row and the job's new status in one transaction (with
            // the stops a diverged seed leads to).
            if result.status == .diverged { try recordDiverged(result, now: t) } else { try store.record(result) }
            endProgress(of: report.jobID, on: worker)
            if result.status == .ok { okMetrics[result.jobID] = result.metrics }
            remainingTime.add(result.summary, work: work(forJob: report.jobID))
            let metric = result.metrics[spec.metric.rawValue].map { String(format: " %@ %.4f", spec.metric.rawValue, $0) } ?? ""
            logger.log(level: result.status == .failed ? .warning : .info, "\(report.jobID) \(result.status.rawValue) on \(worker) in \(String(format: "%.1f", result.seconds)) s\(metric)\(result.error.map { " (\($0))" } ?? "")", metadata: Logger.job(report.jobID, attempt: report.attempt, worker: worker))
        case .duplicate:
            note("dropped a second result for \(report.jobID) from \(worker)",
                 metadata: Logger.job(report.jobID, attempt: report.attempt, worker: worker), event: StoreEvent(kind: .duplicateDropped, jobID: report.jobID, worker: worker, detail: "attempt \(report.attempt)"),
                 peer: peer, now: t)
        case .notLeasedToThisWorker, .staleAttempt, .unknownJob:
            refusedResults += 1
            note("refused a result for \(report.jobID) from \(worker): \(acceptance.rawValue)", level: .warning,
                 metadata: Logger.job(report.jobID, attempt: report.attempt, worker: worker), event: StoreEvent(kind: .resultRefused, jobID: report.jobID, worker: worker,
                                   detail: "\(acceptance.rawValue), attempt \(report.attempt)"),
                 peer: peer, now: t)
        }
        // Acknowledged whatever the verdict, so the worker stops offering it.
        send(.ack(jobID: report.jobID, attempt: report.attempt), to: worker)
    }
}
