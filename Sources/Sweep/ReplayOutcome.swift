import EBMCore
import Foundation

/// What a replayed rule spent and picked, against the full grid it was replayed on.
public struct ReplayOutcome: Sendable, Equatable {
    public var rule: ReplaySimulator.Rule
    public var workers: Int
    /// Worker-seconds of every job run to its end (the grid's cost).
    public var gridSeconds: Double
    /// Worker-seconds the rule spent.
    public var usedSeconds: Double
    /// Of `usedSeconds`, those spent on runs that ended diverged (pruned at a rung or at the end).
    public var divergedSeconds: Double
    /// Of `usedSeconds`, those spent on configurations with a seed that ends diverged in the full
    /// grid: their diverged runs and the seeds stopped with them.
    public var divergingSeconds: Double
    /// Virtual time until the last job ended.
    public var wallSeconds: Double
    /// Jobs stopped at a rung, and jobs never started (their configuration was stopped first).
    public var stoppedJobs: Int
    public var skippedJobs: Int
    /// The configuration the rule would report best: the best mean over its completed ok seeds
    /// among configurations not stopped; nil if none completed.
    public var pick: String?
    public var pickSeeds: Int
    /// The pick's mean over all its seeds in the full grid, and its rank there (1-based).
    public var pickGridMean: Double?
    public var pickGridRank: Int?
    /// The full grid's best configuration, its mean and seed standard deviation.
    public var gridBest: String?
    public var gridBestMean: Double?
    public var gridBestStd: Double?
    /// Seeds of the grid's best that the rule stopped or never started.
    public var gridBestSeedsStopped: Int

    public var usedFraction: Double { gridSeconds > 0 ? usedSeconds / gridSeconds : 0 }

    /// The pick's full-grid mean is within one seed standard deviation of the grid's best.
    public var pickWithinOneStd: Bool {
        guard let p = pickGridMean, let b = gridBestMean else { return false }
        return abs(p - b) <= (gridBestStd ?? 0)
    }

    init(trace: ReplayTrace, rule: ReplaySimulator.Rule, workers: Int, ended: [Int: ReplaySimulator.JobEnd],
         wallSeconds: Double, stoppedConfigurations: Set<String>) {
        self.rule = rule
        self.workers = workers
        self.wallSeconds = wallSeconds
        let jobs = trace.jobs, metric = trace.metric
        gridSeconds = jobs.reduce(0) { $0 + $1.seconds }
        usedSeconds = ended.values.reduce(0) { $0 + $1.cost }
        // Ended diverged: pruned for escaping at a rung, or run to a diverged end.
        func endedDiverged(_ e: (key: Int, value: ReplaySimulator.JobEnd)) -> Bool {
            e.value.stop.map { if case .escaped = $0 { true } else { false } } ?? (jobs[e.key].status == .diverged)
        }
        divergedSeconds = ended.filter(endedDiverged).reduce(0) { $0 + $1.value.cost }
        let diverging = Set(jobs.filter { $0.status == .diverged }.map(\.configID))
        divergingSeconds = ended.filter { diverging.contains(jobs[$0.key].configID) }.reduce(0) { $0 + $1.value.cost }
        stoppedJobs = ended.values.filter { $0.stop != nil }.count
        skippedJobs = jobs.count - ended.count

        let grid = Self.gridRanking(trace)
        let best = grid.first?.config
        gridBest = best
        gridBestMean = grid.first?.summary.mean
        gridBestStd = grid.first?.summary.std
        let completed = ended.filter { $0.value.stop == nil && !stoppedConfigurations.contains(jobs[$0.key].configID) }
        let sawDiverge = Set(ended.filter(endedDiverged).map { jobs[$0.key].configID })
        let picked = Self.ranked(completed.keys.sorted(), of: jobs, metric: metric, diverged: sawDiverge).first
        pick = picked?.config
        pickSeeds = picked?.summary.count ?? 0
        if let i = grid.firstIndex(where: { $0.config == picked?.config }) {
            pickGridRank = i + 1
            pickGridMean = grid[i].summary.mean
        }
        gridBestSeedsStopped = jobs.indices.filter { i in
            jobs[i].configID == best && (ended[i] == nil || ended[i]?.stop != nil)
        }.count
    }

    /// The full grid's configurations best first, as `ranked` puts them (a configuration with a
    /// diverged seed after every one without).
    static func gridRanking(_ trace: ReplayTrace) -> [(config: String, summary: MetricSummary)] {
        let diverging = Set(trace.jobs.filter { $0.status == .diverged }.map(\.configID))
        return ranked(Array(trace.jobs.indices), of: trace.jobs, metric: trace.metric, diverged: diverging)
    }

    /// Configurations of the given jobs with an ok final metric, best first as a sweep ranks them
    /// (`Ranking.sortGroup`): those in `diverged` (a seed diverged) after every one without, however
    /// good their surviving seeds; then by mean, ties by id.
    static func ranked(_ indices: [Int], of jobs: [ReplayTrace.TracedJob], metric: RankingMetric, diverged: Set<String>)
        -> [(config: String, summary: MetricSummary)] {
        var values: [String: [Double]] = [:]
        for i in indices where jobs[i].status == .ok {
            if let m = jobs[i].finalMetric { values[jobs[i].configID, default: []].append(m) }
        }
        return values.compactMap { c, v in MetricSummary(v).map { (c, $0) } }.sorted { a, b in
            let (da, db) = (diverged.contains(a.config), diverged.contains(b.config))
            if da != db { return db }
            return a.summary.mean != b.summary.mean ? metric.isBetter(a.summary.mean, than: b.summary.mean) : a.config < b.config
        }
    }

    /// A Markdown table, one row per outcome, and a line naming the grid's best.
    public static func table(_ outcomes: [ReplayOutcome]) -> String {
        func f(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "–" }
        var lines: [String] = []
        if let o = outcomes.first, let best = o.gridBest {
            lines.append("grid best: \(best), \(f(o.gridBestMean)) ± \(f(o.gridBestStd)); grid: "
                         + String(format: "%.0f", o.gridSeconds) + " worker-seconds\n")
        }
        lines.append("| rule | workers | worker-seconds | of the grid | on diverged runs | on diverging configurations | wall | jobs stopped | never started | pick | its seeds | pick's grid mean | grid rank | within 1 sd | grid best's seeds stopped |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|---:|")
        for o in outcomes {
            let cells = [o.rule.rawValue, "\(o.workers)", String(format: "%.0f", o.usedSeconds),
                         String(format: "%.1f %%", 100 * o.usedFraction),
                         String(format: "%.1f %%", o.usedSeconds > 0 ? 100 * o.divergedSeconds / o.usedSeconds : 0),
                         String(format: "%.1f %%", o.usedSeconds > 0 ? 100 * o.divergingSeconds / o.usedSeconds : 0),
                         String(format: "%.0f", o.wallSeconds), "\(o.stoppedJobs)", "\(o.skippedJobs)", o.pick ?? "–",
                         "\(o.pickSeeds)", f(o.pickGridMean), o.pickGridRank.map(String.init) ?? "–",
                         o.pickWithinOneStd ? "yes" : "no", "\(o.gridBestSeedsStopped)"]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}
