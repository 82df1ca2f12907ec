import EBMCore
import Sweep

/// One configuration of a sweep as the sweep-level report sees it: what was swept, the ranking
/// metric of every ok seed, and how many seeds ended otherwise. Built by the caller from the store;
/// every builder of the module takes these and does no I/O.
public struct ConfigurationResults: Sendable, Equatable {
    /// 1-based, the ranking's order (Sweep.Ranking).
    public var rank: Int
    public var configID: String
    /// The swept hyperparameters' values (the same names in every configuration of a sweep).
    public var values: [String: HyperparameterValue]
    /// The ranking metric of every ok seed with a finite value.
    public var metricBySeed: [UInt64: Double]
    /// Seeds planned for the configuration (ok, diverged, failed and unfinished together).
    public var seeds: Int
    public var diverged: Int
    public var failed: Int
    public var status: RunStatus
    /// The rung iteration an early-stopped configuration reached (nil unless `status` is stopped).
    public var stoppedAt: Int?

    public init(rank: Int, configID: String, values: [String: HyperparameterValue], metricBySeed: [UInt64: Double],
                seeds: Int, diverged: Int = 0, failed: Int = 0, status: RunStatus, stoppedAt: Int? = nil) {
        self.rank = rank
        self.configID = configID
        self.values = values
        self.metricBySeed = metricBySeed.filter { $0.value.isFinite }
        self.seeds = seeds
        self.diverged = diverged
        self.failed = failed
        self.status = status
        self.stoppedAt = stoppedAt
    }

    /// Ok seeds with a finite metric.
    public var okCount: Int { metricBySeed.count }

    /// The metric's values in seed order.
    public var metricValues: [Double] {
        metricBySeed.keys.sorted().compactMap { metricBySeed[$0] }
    }

    public var summary: SeedSummary? { SeedSummary(metricValues) }
}

extension ConfigurationResults {
    /// Each configuration's per-seed ranking metric, in the ranking's order: what the sweep-level
    /// tables, statistics and comparison figures are built from.
    public static func from(ranked: [RankedConfiguration], jobs: [Job], results: [ResultSummary],
                            metric: RankingMetric, swept: [String]) -> [ConfigurationResults] {
        let jobByID = Dictionary(jobs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var seedsByConfig: [String: Int] = [:]
        for job in jobs { seedsByConfig[job.configID, default: 0] += 1 }
        var metricByConfig: [String: [UInt64: Double]] = [:]
        // The first accepted result per job counts, as in the ranking.
        var seen = Set<String>()
        for result in results where result.status == .ok {
            guard let job = jobByID[result.jobID], seen.insert(result.jobID).inserted,
                  let value = result.metrics[metric.rawValue], value.isFinite else { continue }
            metricByConfig[job.configID, default: [:]][job.seed] = value
        }
        return ranked.map { row in
            var values: [String: HyperparameterValue] = [:]
            for name in swept { values[name] = row.value(of: name) }
            // A stopped configuration is not compared on the seeds that finished before its stop.
            let stopped = row.status == .stopped
            return ConfigurationResults(rank: row.rank, configID: row.configID, values: values,
                                        metricBySeed: stopped ? [:] : metricByConfig[row.configID] ?? [:],
                                        seeds: seedsByConfig[row.configID] ?? 0, diverged: row.nDiverged,
                                        failed: row.nFailed, status: row.status, stoppedAt: stopped ? row.stoppedAt : nil)
        }
    }
}
