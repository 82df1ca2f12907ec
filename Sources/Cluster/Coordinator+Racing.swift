import Logging
import Report
import Store
import Sweep

/// Racing (docs/design.md, "Racing"): once every planned job has finished, the best configuration
/// and the ones tied with it get more seeds before the sweep ends, so what is declared best is not
/// merely the luckiest on a few seeds.
extension Coordinator {
    /// Decides the race once per sweep (the decision is stored, so a restart does not race again).
    /// - Returns: true when it added jobs, so the loop goes on.
    func race() throws -> Bool {
        let count = Racing.seedCount(for: spec)
        guard count > 0, !raced else { return false }
        raced = true
        let stored = try store.jobs()
        let jobs = stored.map(\.job)
        let results = try store.resultSummaries()
        let statuses = Dictionary(stored.map { ($0.job.id, $0.status) }, uniquingKeysWith: { a, _ in a })
        let ranked = Ranking.rank(jobs: jobs, statuses: statuses, results: results, metric: spec.metric)
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
        let added = Racing.jobs(rivals: representatives, seeds: seeds)
        try store.race(added, detail: "\(rivals.count) configurations (the best and those tied with it: "
                       + rivals.joined(separator: ", ") + ") race on \(count) more seeds (\(seeds.map(String.init).joined(separator: ", ")))")
        scheduler.add(added)
        racedJobs.formUnion(added.map(\.id))
        logger.notice("racing: the best and its \(rivals.count - 1) closest rival\(rivals.count == 2 ? "" : "s") run on \(count) more seeds each (\(added.count) jobs)")
        return true
    }

    /// The race still to come, for the ETA: until it is decided, up to η configurations on
    /// `race_seeds` more seeds, each priced as a job of the best configuration so far (the race
    /// is among it and those tied with it). An upper estimate, since the race may find fewer rivals
    /// or none; without it the ETA fell to zero at the end of the planned jobs and jumped back
    /// by the race's whole length (7 minutes in `make sweep`).
    func expectedRace(best configID: String?) -> [RemainingTime.Work] {
        let seeds = Racing.seedCount(for: spec)
        guard seeds > 0, !raced, let configID, let job = scheduler.jobs.first(where: { $0.configID == configID }) else { return [] }
        let limit = spec.earlyStopping?.reductionFactor ?? EarlyStopping.defaultReductionFactor
        let configurations = min(limit, Set(scheduler.jobs.map(\.configID)).count)
        var work = work(for: job)
        work.judged = false
        return Array(repeating: work, count: configurations * seeds)
    }
}
