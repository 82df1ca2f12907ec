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
        (p.elapsed, p.finishedBefore, p.trainingShare) = (now, finishedBefore, times.trainingShare)
        for (worker, info) in workers {
            for jobID in scheduler.leases(of: worker) {
                let progress = info.progress[jobID]
                p.running.append(.init(jobID: jobID, worker: worker, iteration: progress?.iteration ?? 0,
                                       iterations: scheduler.job(withID: jobID)?.config.iterations ?? 1,
                                       loss: progress?.loss ?? .nan))
            }
        }
        p.best = bestSoFar()
        return p
    }

    func bestSoFar() -> (configID: String, metric: String, mean: Double)? {
        var sums: [String: (Double, Int)] = [:]
        let metric = spec.metric.rawValue
        for (jobID, metrics) in okMetrics {
            guard let value = metrics[metric], value.isFinite, let job = scheduler.job(withID: jobID) else { continue }
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
