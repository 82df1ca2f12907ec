import EBMCore

/// Aggregates job results per configuration and ranks the configurations (Optuna's view: a failed
/// or diverged trial is data, ranked after every configuration with a score).
public enum Ranking {
    /// Ranks every configuration appearing in `jobs`.
    ///
    /// - Parameters:
    ///   - jobs: the sweep's jobs (they give each result its configuration and hyperparameters).
    ///   - statuses: stored job statuses; jobs marked `.failed` or `.stopped` without a result
    ///     count in `nFailed` or `nStopped`.
    ///   - results: accepted results; the first finished one per job id counts, others and ones for
    ///     unknown jobs are ignored.
    ///   - metric: the ranking metric; its direction decides (lower is better except precision
    ///     and recall).
    /// Order: ok configurations with a finite mean by mean (direction of `metric`), then those
    /// with a diverged seed beside their ok ones (by mean), then ok ones without a value, then stopped ones (the latest rung first, then by their rung mean;
    /// those with a diverged seed after those without, those no seed of which ran last), then diverged, failed, pending; ties by `configID`. A stopped result carries its last rung's
    /// metric and iteration (`EarlyStopping.stoppedAtKey`).
    public static func rank(jobs: [Job], statuses: [String: RunStatus] = [:], results: [ResultSummary],
                            metric: RankingMetric) -> [RankedConfiguration] {
        let jobByID = Dictionary(jobs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var groups: [String: Group] = [:]
        var order: [String] = []
        for job in jobs where groups[job.configID] == nil {
            groups[job.configID] = Group(config: job.config)
            order.append(job.configID)
        }
        var seen = Set<String>()
        for r in results {
            guard let job = jobByID[r.jobID], seen.insert(r.jobID).inserted else { continue }
            switch r.status {
            case .ok: groups[job.configID]?.ok.append(r.metrics)
            case .diverged: groups[job.configID]?.diverged += 1
            case .failed: groups[job.configID]?.failed += 1
            case .stopped:
                groups[job.configID]?.stopped.append((r.metrics[EarlyStopping.stoppedAtKey].map { Int($0) } ?? 0,
                                                      r.metrics[metric.rawValue]))
            case .cancelled, .pending, .running: seen.remove(r.jobID)
            }
        }
        for job in jobs where !seen.contains(job.id) {
            if statuses[job.id] == .failed { groups[job.configID]?.failed += 1 }
            if statuses[job.id] == .stopped { groups[job.configID]?.stopped.append((0, nil)) }
        }

        var rows = order.compactMap { id in groups[id].map { row(configID: id, group: $0, metric: metric) } }
        rows.sort { a, b in
            let (ka, kb) = (sortGroup(a), sortGroup(b))
            if ka != kb { return ka < kb }
            if let ma = a.metricMean, let mb = b.metricMean, ma != mb { return metric.isBetter(ma, than: mb) }
            if a.stoppedAt != b.stoppedAt { return (a.stoppedAt ?? 0) > (b.stoppedAt ?? 0) }
            if let ma = a.rungMean, let mb = b.rungMean, ma != mb { return metric.isBetter(ma, than: mb) }
            return a.configID < b.configID
        }
        for i in rows.indices { rows[i].rank = i + 1 }
        return rows
    }

    /// The hyperparameters that differ between configurations: the columns worth showing.
    public static func variedNames(in rows: [RankedConfiguration]) -> [String] {
        guard let first = rows.first else { return [] }
        return first.hyperparameters.map(\.name).filter { name in
            rows.contains { $0.value(of: name) != first.value(of: name) }
        }
    }

    struct Group {
        var config: TrainingConfig
        var ok: [[String: Double]] = []
        var diverged = 0
        var failed = 0
        /// Per stopped seed: the rung it reached (0: never started) and its metric there.
        var stopped: [(iteration: Int, metric: Double?)] = []
    }

    static func row(configID: String, group g: Group, metric: RankingMetric) -> RankedConfiguration {
        let names = Set(g.ok.flatMap(\.keys)).sorted()
        var summaries: [String: MetricSummary] = [:]
        for name in names {
            if let s = MetricSummary(g.ok.compactMap { $0[name] }) { summaries[name] = s }
        }
        var main = summaries.removeValue(forKey: metric.rawValue)
        let status: RunStatus = !g.stopped.isEmpty ? .stopped : !g.ok.isEmpty ? .ok : g.diverged > 0 ? .diverged
            : g.failed > 0 ? .failed : .pending
        let hyper = TrainingConfig.hyperparameterNames(for: g.config.method).filter { $0 != "seed" }
            .compactMap { name in g.config.value(of: name).map { (name: name, value: $0) } }
        let stoppedAt = g.stopped.map(\.iteration).max()
        let atLast = g.stopped.filter { $0.iteration == stoppedAt }.compactMap(\.metric)
        if status == .stopped { main = nil }
        var row = RankedConfiguration(rank: 0, configID: configID, hyperparameters: hyper, metricMean: main?.mean,
                                      metricStd: main?.std, nOK: g.ok.count, nDiverged: g.diverged, nFailed: g.failed,
                                      status: status, otherMetrics: summaries)
        row.nStopped = g.stopped.count
        row.stoppedAt = stoppedAt
        row.rungMean = MetricSummary(atLast)?.mean
        return row
    }

    static func sortGroup(_ r: RankedConfiguration) -> Int {
        switch r.status {
        // A configuration that diverged on some seeds does not train reliably: it ranks after every
        // one that did not, however good its surviving seeds (one lucky seed of three is no pick).
        case .ok: r.metricMean == nil ? 2 : (r.nDiverged > 0 ? 1 : 0)
        // Stopped ones the same way: one stopped for a diverged seed (docs/design.md, "A diverged
        // seed ends its configuration") after every one the rule stopped for its rung values, and
        // one no seed of which ran (its Langevin noise floor) after those: it trained nothing.
        case .stopped: r.nDiverged > 0 ? 4 : (r.neverRan ? 5 : 3)
        case .diverged: 6
        case .failed: 7
        case .pending, .running, .cancelled: 8
        }
    }
}
