import Sweep

/// What the progress view shows: counts, running jobs and the best configuration so far.
extension Coordinator {
    func progress() -> SweepProgress {
        var p = SweepProgress()
        let counts = scheduler.counts
        p.total = scheduler.jobs.count
        p.ok = counts.ok
        p.diverged = counts.diverged
        p.failed = counts.failed
        p.stopped = counts.stopped
        p.notRun = earlyStopping?.notRunJobs ?? 0
        p.workers = workers.count
        p.elapsed = now
        var running: [RemainingTime.Work] = []
        for (worker, info) in workers {
            for jobID in scheduler.leases(of: worker) {
                let progress = info.progress[jobID]
                let iterations = scheduler.job(withID: jobID)?.config.iterations ?? 1
                p.running.append(.init(jobID: jobID, worker: worker, iteration: progress?.iteration ?? 0,
                                       iterations: iterations, loss: progress?.loss ?? .nan))
                var work = work(forJob: jobID)
                work.trained = Double(progress?.iteration ?? 0) / Double(max(1, iterations))
                running.append(work)
            }
        }
        p.best = bestSoFar()
        let pending = scheduler.jobs.filter { scheduler.state(of: $0.id)?.status == .pending }.map(work(for:))
            + expectedRace(best: p.best?.configID)
        p.eta = remainingTime.seconds(pending: pending, running: running, slots: workers.values.reduce(0) { $0 + max(0, $1.slots) })
        return p
    }

    /// A running job's progress, as its worker (holding the lease) reports it: shown, and the ETA's
    /// rate before any job has finished.
    func noteProgress(of jobID: String, on worker: String, iteration: Int, loss: Double, now t: Double) {
        workers[worker]?.progress[jobID] = (iteration, loss)
        guard let job = scheduler.job(withID: jobID) else { return }
        remainingTime.observe(jobID: jobID, iteration: iteration, of: job.config.iterations, at: t, work: work(for: job))
    }

    /// A job's attempt on `worker` ended (its result came, or it was stopped): off the progress
    /// view, and its ETA span closed.
    func endProgress(of jobID: String, on worker: String) {
        workers[worker]?.progress[jobID] = nil
        remainingTime.forget(jobID: jobID)
    }

    /// A job's full run in FLOPs (training and the final evaluation, as `plan` counts them), and
    /// whether the rule judges it at rungs (racing's jobs run to their end).
    func work(forJob id: String) -> RemainingTime.Work {
        scheduler.job(withID: id).map(work(for:)) ?? .init(flops: 0, judged: false)
    }

    func work(for job: Job) -> RemainingTime.Work {
        let training = PlanSummary.trainingFLOPs(job.config)
        return .init(flops: training + PlanSummary.evaluationFLOPs(job.config, spec.evaluation), trainingFLOPs: training,
                     judged: earlyStopping != nil && !racedJobs.contains(job.id))
    }

    /// The best mean over the ok seeds that finished, among configurations none of whose seeds
    /// diverged or was stopped: the ranking ranks those after every other, so the progress line
    /// must not call one best that the tables will not (docs/design.md, "The best over time").
    func bestSoFar() -> (configID: String, metric: String, mean: Double)? {
        var sums: [String: (Double, Int)] = [:]
        let metric = spec.metric.rawValue
        var ruledOut = Set<String>()
        for job in scheduler.jobs {
            if let status = scheduler.state(of: job.id)?.status, status == .diverged || status == .stopped {
                ruledOut.insert(job.configID)
            }
        }
        for (jobID, metrics) in okMetrics {
            guard let value = metrics[metric], value.isFinite, let job = scheduler.job(withID: jobID),
                  !ruledOut.contains(job.configID) else { continue }
            let s = sums[job.configID, default: (0, 0)]
            sums[job.configID] = (s.0 + value, s.1 + 1)
        }
        let means = sums.map { (id: $0.key, mean: $0.value.0 / Double($0.value.1)) }
        let best = means.min { a, b in
            a.mean == b.mean ? a.id < b.id : spec.metric.isBetter(a.mean, than: b.mean)
        }
        return best.map { ($0.id, metric, $0.mean) }
    }
}
