import EBMCore
import Foundation
import Store
import Sweep
import Wire

/// What the coordinator does with each worker message. Nothing a peer sends is trusted: the
/// sender is its routing id, every field was validated by the codec, and results count only
/// from the worker holding the job's current lease.
extension Coordinator {
    func handle(_ delivery: Delivery) throws {
        guard let peer = delivery.peer else { return }
        let message: WorkerMessage
        do { message = try Codec.decode(delivery.frames, as: WorkerMessage.self) } catch {
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
                workers[worker]?.progress[running.jobID] = (running.iteration, running.loss)
                try reconcile(running.jobID, attempt: running.attempt, worker: worker, now: t)
            }
            try releaseUnreported(by: worker, running: Set(heartbeat.running.map(\.jobID)))

        case .progress(let progress):
            guard scheduler.heartbeat(worker: worker, now: t) else { return }
            workers[worker]?.progress[progress.jobID] = (progress.iteration, progress.loss)

        case .result(let report):
            try accept(report, from: worker, now: t)

        case .bye(let workerID):
            guard workerID == worker else { return }
            let released = scheduler.unregister(worker: worker)
            try persist(released)
            forget(worker)
            try store.log(event: StoreEvent(kind: "worker_left", worker: worker, detail: "handed back \(released.joined(separator: ", "))"))
            view.log("worker \(worker) left\(released.isEmpty ? "" : ", handing back \(released.joined(separator: ", "))")")
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
            if refusedRegistrations <= settings.malformedLogLimit || refusedRegistrations % 1000 == 0 {
                let detail = "READY #\(refusedRegistrations) as '\(worker)' from key \(key ?? "(none)"), but it is registered with key \(holder.key ?? "(none)")"
                view.log("refused \(detail)")
                try? store.log(event: StoreEvent(kind: "refused_registration", worker: worker, detail: detail))
            }
            return
        }
        let rejoined = workers[worker] != nil
        if let previous = workers[worker]?.peer, previous != peer { peers[previous] = nil }
        // A worker that registers again is usually the same process on a new connection, still
        // running its jobs: hand them back without counting an attempt; its next heartbeat
        // lists what it still runs and gets those leases back (adopt).
        try persist(scheduler.unregister(worker: worker))
        let requeued = scheduler.register(worker: worker, slots: ready.slots, now: t)
        try persist(requeued)
        peers[peer] = worker
        workers[worker] = WorkerInfo(peer: peer, key: key, host: ready.host, slots: ready.slots, build: ready.build)
        try store.log(event: StoreEvent(kind: "worker_joined", worker: worker,
                                        detail: "host \(ready.host), pid \(ready.pid), \(ready.slots) slots, build \(ready.build)"))
        view.log("worker \(worker) \(rejoined ? "re-registered" : "joined") from \(ready.host) (\(ready.slots) slot\(ready.slots == 1 ? "" : "s"))")
        send(.heartbeat, to: worker)
    }

    /// Heartbeats in a row that may omit a leased job before it is taken back: a JOB and a
    /// heartbeat can cross on the wire once, not three times.
    static let unreportedLimit = 3

    /// Backstop for a JOB the worker never started (lost, or refused while busy): a lease the
    /// worker's heartbeats keep leaving out is handed back, not held forever.
    func releaseUnreported(by worker: String, running: Set<String>) throws {
        for jobID in scheduler.leases(of: worker) {
            if running.contains(jobID) {
                workers[worker]?.unreported[jobID] = nil
                continue
            }
            let misses = (workers[worker]?.unreported[jobID] ?? 0) + 1
            workers[worker]?.unreported[jobID] = misses
            if misses >= Self.unreportedLimit {
                workers[worker]?.unreported[jobID] = nil
                scheduler.release(jobID: jobID)
                try persist([jobID])
                view.log("worker \(worker) never reported \(jobID); handed back")
            }
        }
    }

    /// A worker says it runs `jobID`: fine if it holds the lease; if the job is pending (the
    /// coordinator restarted, or the worker was presumed lost), it gets the lease back; otherwise
    /// someone else owns the job and this copy is cancelled.
    func reconcile(_ jobID: String, attempt: Int, worker: String, now t: Double) throws {
        if case .running(worker, attempt, _)? = scheduler.state(of: jobID) { return }
        if scheduler.adopt(jobID: jobID, attempt: attempt, worker: worker, now: t) {
            try store.markLeased(jobID: jobID, worker: worker, attempt: attempt)
            view.log("worker \(worker) still runs \(jobID) (attempt \(attempt)): lease handed back to it")
        } else {
            send(.cancel(jobID: jobID), to: worker)
        }
    }

    func accept(_ report: ResultReport, from worker: String, now t: Double) throws {
        var report = report
        // A worker of an older build may call an exploded run ok: the sweep applies the same rule.
        if report.status == .ok, let reason = RunVerdict.divergence(samples: report.payload.samples, metrics: report.metrics) {
            report.status = .diverged
            report.error = reason
        }
        if report.status == .cancelled {
            // A job stopped on request or handed back: pending again, not an attempt.
            if case .running(worker, report.attempt, _)? = scheduler.state(of: report.jobID) {
                scheduler.release(jobID: report.jobID)
                try persist([report.jobID])
            }
            send(.ack(jobID: report.jobID, attempt: report.attempt), to: worker)
            return
        }
        // Every other status the decoder lets through is finished: ok, diverged, or failed (with
        // its reason; also what a status unknown to this build becomes, see ResultReport).
        let acceptance = scheduler.complete(jobID: report.jobID, attempt: report.attempt, worker: worker, status: report.status)
        switch acceptance {
        case .accepted:
            let result = report.jobResult(worker: worker)
            // The commit point: the result row and the job's new status in one transaction.
            try store.record(result)
            workers[worker]?.progress[report.jobID] = nil
            if result.status == .ok { okMetrics[result.jobID] = result.metrics }
            times.add(result)
            let metric = result.metrics[spec.metric.rawValue].map { String(format: " %@ %.4f", spec.metric.rawValue, $0) } ?? ""
            view.log("\(report.jobID) \(result.status.rawValue) on \(worker) in \(String(format: "%.1f", result.seconds)) s\(metric)\(result.error.map { " (\($0))" } ?? "")")
        case .duplicate:
            try store.log(event: StoreEvent(kind: .duplicateDropped, jobID: report.jobID, worker: worker, detail: "attempt \(report.attempt)"))
        case .notLeasedToThisWorker, .staleAttempt, .unknownJob:
            refusedResults += 1
            try store.log(event: StoreEvent(kind: "result_refused", jobID: String(report.jobID.prefix(128)), worker: worker,
                                            detail: "\(acceptance.rawValue), attempt \(report.attempt)"))
            view.log("refused a result for \(report.jobID) from \(worker): \(acceptance.rawValue)")
        }
        // Acknowledged whatever the verdict, so the worker stops offering it.
        send(.ack(jobID: report.jobID, attempt: report.attempt), to: worker)
        _ = t
    }
}

/// A routing id as text for logs and the store: the worker id when it is printable ASCII.
enum PeerID {
    static func text(_ bytes: [UInt8]) -> String {
        if !bytes.isEmpty, bytes.count <= 128, bytes.allSatisfy({ (0x21...0x7E).contains($0) }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        return "0x" + bytes.prefix(32).map { String(format: "%02x", $0) }.joined()
    }
}
