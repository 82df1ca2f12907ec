import EBMCore
import Foundation
import Logging
import Store
import Sweep
import Wire

/// The sweep's stopping rule in the coordinator (docs/design.md, "Early stopping"): JOBs carry
/// their rungs, RUNG reports feed the rule, and what it stops finishes at once — stored with the
/// report in one transaction, then the workers are told (CANCEL).
extension Coordinator {
    /// The rule and what the coordinator keeps beside it.
    struct EarlyStoppingState {
        var pruner: any Pruner
        let settings: EarlyStopping
        /// Each job's last rung report and the lease it came from: a stopped job's result.
        var lastReport: [String: (report: RungReport, worker: String, attempt: Int)] = [:]
        /// When each running job was leased, for a stopped job's seconds.
        var leasedAt: [String: Double] = [:]
        /// Jobs of the configurations the rule never runs (`EarlyStopping.notRunnable`).
        var notRunJobs = 0
    }

    /// The spec's rule with every stored input replayed into it in arrival order — rung reports
    /// and diverged results, interleaved as they came (`SweepStore.divergences`) — so a
    /// restarted coordinator takes the decisions it took before. Racing's jobs are outside the
    /// rule. Jobs the replayed rule has stopped but the store does not (the spec's rule was
    /// changed between runs, or a crash came between the two) are stopped now, and so are the
    /// configurations the rule never runs (`EarlyStopping.notRunnable`) that have not started a
    /// job yet. Nil without a rule.
    func restoreEarlyStopping() throws -> EarlyStoppingState? {
        let planned = scheduler.jobs.filter { !racedJobs.contains($0.id) }
        guard let settings = spec.earlyStopping else { return nil }
        // A configuration that has already run a job keeps running (a grown sweep, a rule added
        // between runs): only one none of whose jobs has started is held back.
        let notRun = settings.notRunnable(planned, started: try store.startedConfigurations())
        guard let pruner = settings.makePruner(jobs: planned.map { ($0.id, $0.configID) }, metric: spec.metric,
                                               notRun: notRun)
        else { return nil }
        var state = EarlyStoppingState(pruner: pruner, settings: settings)
        var divergences = try store.divergences()[...]
        func takeDivergences(before seq: Int) {
            while let d = divergences.first, (d.rungsBefore ?? .max) < seq {
                _ = state.pruner.recordDivergence(job: d.jobID, iteration: d.iteration)
                divergences.removeFirst()
            }
        }
        for stored in try store.rungs() {
            takeDivergences(before: stored.seq)
            _ = state.pruner.record(stored.report)
            state.lastReport[stored.report.jobID] = (stored.report, stored.worker, stored.attempt)
        }
        takeDivergences(before: .max)
        for d in divergences { _ = state.pruner.recordDivergence(job: d.jobID, iteration: d.iteration) }
        for job in planned where state.pruner.isStopped(job: job.id) {
            guard case .pending? = scheduler.state(of: job.id) else { continue }
            scheduler.stop(jobID: job.id)
            let reason = notRun[job.configID]
            try store.markStopped(jobID: job.id, reason: reason?.description ?? "stopped by the early-stopping rule (on resume)")
        }
        state.notRunJobs = planned.filter {
            if case .finished(.stopped, _)? = scheduler.state(of: $0.id) { notRun[$0.configID] != nil } else { false }
        }.count
        return state
    }

    /// What a JOB says about its rungs; nil without a rule.
    func rungs(for job: Job, now t: Double) -> CoordinatorMessage.Assignment.Rungs? {
        guard let settings = earlyStopping?.settings, !racedJobs.contains(job.id) else { return nil }
        earlyStopping?.leasedAt[job.id] = t
        return .init(iterations: settings.rungs(forIterations: job.config.iterations), evaluation: settings.evaluation,
                     metric: spec.metric)
    }

    /// RUNG: heard only from the worker holding the job's current lease, at one of its rungs.
    func judge(_ rung: WorkerMessage.Rung, from worker: String, now t: Double) throws {
        guard var state = earlyStopping, case .running(worker, rung.attempt, _)? = scheduler.state(of: rung.jobID),
              let job = scheduler.job(withID: rung.jobID) else {
            refusedResults += 1
            return
        }
        guard state.settings.rungs(forIterations: job.config.iterations).contains(rung.iteration) else {
            countMalformed(peer: workers[worker]?.peer, reason: "RUNG at iteration \(rung.iteration), not a rung of \(job.id)")
            return
        }
        scheduler.heartbeat(worker: worker, now: t)
        let report = rung.report
        let decision = state.pruner.record(report)
        state.lastReport[job.id] = (report, worker, rung.attempt)
        var stops = Stops()
        if let reason = decision.reason {
            let status: RunStatus = if case .escaped = reason { .diverged } else { .stopped }
            stop([job.id], as: status, for: reason, state: &state, now: t, into: &stops)
        }
        if let reason = decision.siblingsReason { stopSiblings(of: job, for: reason, state: &state, now: t, into: &stops) }
        earlyStopping = state
        // Persist, then tell the workers.
        try store.record(rung: report, attempt: rung.attempt, worker: worker, stopped: stops.results, unstarted: stops.unstarted,
                         reason: (decision.siblingsReason ?? decision.reason)?.description)
        stored(stops)
        if let reason = decision.siblingsReason ?? decision.reason {
            logStops(stops, of: job, for: reason, metadata: Logger.job(report.jobID, attempt: rung.attempt, worker: worker))
        }
    }

    /// A `diverged` result accepted from a lease: stored, and taken by the rule in the same
    /// transaction with the stops it leads to (the diverged-seed rule: docs/design.md, "A diverged
    /// seed ends its configuration"). Without a rule, or for a raced job, only stored.
    func recordDiverged(_ result: JobResult, now t: Double) throws {
        guard var state = earlyStopping, let job = scheduler.job(withID: result.jobID) else {
            try store.record(result)
            return
        }
        let decision = state.pruner.recordDivergence(job: result.jobID, iteration: result.lossHistory.count)
        var stops = Stops()
        if let reason = decision.siblingsReason { stopSiblings(of: job, for: reason, state: &state, now: t, into: &stops) }
        state.leasedAt[job.id] = nil
        earlyStopping = state
        try store.record(diverged: result, stopped: stops.results, unstarted: stops.unstarted,
                         reason: decision.siblingsReason?.description)
        stored(stops)
        if let reason = decision.siblingsReason {
            logStops(stops, of: job, for: reason, metadata: Logger.job(job.id, attempt: result.attempt, worker: result.worker))
        }
    }

    /// Stops the unfinished jobs of `job`'s configuration (a seed-aware rule judged it).
    private func stopSiblings(of job: Job, for reason: StopReason, state: inout EarlyStoppingState,
                              now t: Double, into stops: inout Stops) {
        stop(scheduler.jobs.filter { $0.configID == job.configID }.map(\.id), as: .stopped, for: reason,
             state: &state, now: t, into: &stops)
    }

    private func logStops(_ stops: Stops, of job: Job, for reason: StopReason, metadata: Logger.Metadata) {
        logger.info("\(job.configID): stopped \(stops.count) job\(stops.count == 1 ? "" : "s") — \(reason)", metadata: metadata)
    }

    /// What stopping some jobs leads to: results to store, jobs to mark stopped, CANCELs to send.
    struct Stops {
        var results: [JobResult] = []
        var unstarted: [String] = []
        var cancels: [(worker: String, jobID: String)] = []
        var count: Int { results.count + unstarted.count }
    }

    /// Stops the unfinished ones of `ids` as `status`: a running job keeps its last rung of this
    /// attempt as its result (without one it ends without a result, as a pending one does) and its
    /// worker is told; a pending one never starts.
    func stop(_ ids: [String], as status: RunStatus, for reason: StopReason, state: inout EarlyStoppingState,
              now t: Double, into stops: inout Stops) {
        for id in ids {
            switch scheduler.stop(jobID: id, as: status) {
            case .unchanged: continue
            case .wasPending: stops.unstarted.append(id)
            case .wasRunning(let holder, let attempt):
                stops.cancels.append((holder, id))
                if let last = state.lastReport[id], last.attempt == attempt {
                    stops.results.append(stoppedResult(last.report, status: status, reason: reason, worker: holder,
                                                       attempt: attempt, seconds: t - (state.leasedAt[id] ?? t)))
                } else { stops.unstarted.append(id) }
            }
            state.leasedAt[id] = nil
        }
    }

    /// Once the stops are stored: the ETA learns what the stopped jobs cost (their lease time on
    /// this coordinator's clock), and their workers are told.
    func stored(_ stops: Stops) {
        for result in stops.results { remainingTime.add(result.summary, work: work(forJob: result.jobID)) }
        for c in stops.cancels {
            endProgress(of: c.jobID, on: c.worker)
            workers[c.worker]?.cancelled.insert(c.jobID)   // a later heartbeat's claim is not cancelled twice
            send(.cancel(jobID: c.jobID), to: c.worker)
        }
    }

    /// The result a stopped job keeps: its last rung's metric and escaped share, and the rung.
    func stoppedResult(_ report: RungReport, status: RunStatus, reason: StopReason, worker: String, attempt: Int,
                       seconds: Double) -> JobResult {
        var metrics = [EarlyStopping.stoppedAtKey: Double(report.iteration), Metrics.Name.escaped: report.escaped]
        if report.metric.isFinite { metrics[spec.metric.rawValue] = report.metric }
        return JobResult(jobID: report.jobID, attempt: attempt, status: status, metrics: metrics, error: reason.description,
                         worker: worker, seconds: max(0, seconds), secondsPerIteration: 0, lossHistory: [],
                         samples: Matrix(rows: 0, columns: 2), checkpoint: [])
    }
}
