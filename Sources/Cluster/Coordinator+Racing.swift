import Logging
import Report
import Store
import Sweep

/// Racing (docs/design.md, "Racing"): once every planned job has finished, the best configuration
/// and the ones tied with it each run on a fresh seed; then the configuration that ranks first runs
/// on the rest of the race's seeds, and so on until the first-ranked has run on all of them. What
/// is declared best is then not merely the luckiest on a few seeds, and a rival that falls behind
/// on its fresh seed costs one job, not `race_seeds` (SMAC's intensification).
extension Coordinator {
    /// Called whenever every job has ended: starts the race once, then gives the first-ranked
    /// configuration the race seeds it lacks. Both decisions are stored, so a restart neither
    /// races again nor forgets where the race stood.
    /// - Returns: true when it added jobs, so the loop goes on.
    func race() throws -> Bool {
        let count = Racing.seedCount(for: spec)
        guard count > 0 else { return false }
        return raceBegun ? try runBestOnEveryRaceSeed(count) : try startRace(count)
    }

    private func startRace(_ count: Int) throws -> Bool {
        raceBegun = true
        let (jobs, ranked, results) = try ranking()
        let configurations = ConfigurationResults.from(ranked: ranked, jobs: jobs, results: results,
                                                       metric: spec.metric, swept: [])
        let comparison = BestComparison(configurations: configurations, metric: spec.metric)
        // The best and at most η − 1 rivals: the share ASHA would promote from a rung of η.
        let rivals = comparison.rivals(in: configurations, limit: spec.earlyStopping?.reductionFactor ?? EarlyStopping.defaultReductionFactor)
        guard rivals.count > 1 else {
            try store.race([], detail: rivals.isEmpty ? "no configuration has an ok seed: nothing to race"
                                                      : "no configuration is tied with the best \(rivals[0]): no race")
            logger.notice("racing: no configuration is tied with the best; the sweep's seeds decided it")
            return false
        }
        let representatives = rivals.compactMap { id in jobs.first { $0.configID == id } }
        let seeds = Racing.seeds(after: spec.seeds, count: count)
        let added = Racing.jobs(rivals: representatives, seeds: [seeds[0]])
        let rest = count > 1 ? "; then whichever ranks first also on \(seeds.dropFirst().map(String.init).joined(separator: ", "))" : ""
        try add(added, detail: "\(rivals.count) configurations (the best and those tied with it: "
                + rivals.joined(separator: ", ") + ") race on a fresh seed each (\(seeds[0]))" + rest)
        let then = count > 1 ? "; the one ranked first then runs on \(count - 1) more" : ""
        logger.notice("racing: the best and its \(rivals.count - 1) closest rival\(rivals.count == 2 ? "" : "s") run on a fresh seed each\(then)")
        return true
    }

    /// The first-ranked configuration's missing race seeds; none once it has them all, or when the
    /// race never began (no rival), or when nothing ranks with a mean, or once η configurations
    /// have had them: each such step waits for every job to end, so a noisy grid whose every
    /// leader falls back on its fresh seeds would otherwise run its race one job at a time.
    private func runBestOnEveryRaceSeed(_ count: Int) throws -> Bool {
        guard !racedJobs.isEmpty else { return false }
        let (jobs, ranked, _) = try ranking()
        guard let best = ranked.first, best.status == .ok, best.metricMean != nil, best.nDiverged == 0,
              let representative = jobs.first(where: { $0.configID == best.configID }),
              let first = jobs.filter({ racedJobs.contains($0.id) }).map(\.seed).min() else { return false }
        // The race's seeds from where it began, not from today's spec: a sweep grown by seeds
        // since would otherwise shift them.
        let seeds = Racing.seeds(startingAt: first, count: count)
        let added = Racing.jobs(rivals: [representative], seeds: seeds).filter { scheduler.job(withID: $0.id) == nil }
        guard !added.isEmpty else { return false }
        let limit = spec.earlyStopping?.reductionFactor ?? EarlyStopping.defaultReductionFactor
        guard try store.events(kind: .raced).count - 1 < limit else {
            logger.notice("racing: ended after \(limit) configurations ranked first in turn; \(best.configID) ranks first on \(best.nOK) seeds without running on the race's")
            return false
        }
        try add(added, detail: "\(best.configID) ranks first after \(best.nOK) seeds: it runs on the race's other seeds ("
                + added.map { String($0.seed) }.joined(separator: ", ") + ")")
        logger.notice("racing: \(best.configID) ranks first; it runs on \(added.count) more seed\(added.count == 1 ? "" : "s")")
        return true
    }

    private func ranking() throws -> (jobs: [Job], ranked: [RankedConfiguration], results: [ResultSummary]) {
        let stored = try store.jobs()
        let jobs = stored.map(\.job)
        let results = try store.resultSummaries()
        let statuses = Dictionary(stored.map { ($0.job.id, $0.status) }, uniquingKeysWith: { a, _ in a })
        return (jobs, Ranking.rank(jobs: jobs, statuses: statuses, results: results, metric: spec.metric), results)
    }

    private func add(_ jobs: [Job], detail: String) throws {
        try store.race(jobs, detail: detail)
        scheduler.add(jobs)
        racedJobs.formUnion(jobs.map(\.id))
    }

    /// The race still to come, for the ETA, each job priced as one of the best configuration so
    /// far: before it begins, a fresh seed for up to η configurations and `race_seeds` − 1 more
    /// for the one that ranks first; once begun, the race seeds that the configuration with the
    /// most of them still lacks. The usual race, not a bound: one whose best is overtaken costs
    /// more, one with fewer rivals or none less. Without it the ETA fell to zero at the end of
    /// the planned jobs and jumped back by the race's whole length.
    func expectedRace(best configID: String?) -> [RemainingTime.Work] {
        let seeds = Racing.seedCount(for: spec)
        guard seeds > 0, let configID, let job = scheduler.jobs.first(where: { $0.configID == configID }) else { return [] }
        let jobs: Int
        if !raceBegun {
            let limit = spec.earlyStopping?.reductionFactor ?? EarlyStopping.defaultReductionFactor
            jobs = min(limit, Set(scheduler.jobs.map(\.configID)).count) + seeds - 1
        } else if !racedJobs.isEmpty {
            var perConfiguration: [String: Int] = [:]
            for id in racedJobs { if let job = scheduler.job(withID: id) { perConfiguration[job.configID, default: 0] += 1 } }
            jobs = seeds - (perConfiguration.values.max() ?? 0)
        } else {
            jobs = 0
        }
        var work = work(for: job)
        work.judged = false
        return Array(repeating: work, count: max(0, jobs))
    }
}
