import EBMCore
import Foundation

/// How a sweep's best configuration changed while it ran — Optuna's optimization history, SMAC's
/// trajectory — so its user sees when the sweep had found what it ends with, and what the rest of
/// it (later configurations, racing) added (docs/design.md, "The best over time").
///
/// A configuration enters once every seed the spec planned for it has ended (completed, stopped,
/// diverged or failed): until then its mean is a few seeds' and the ranking's rules do not hold.
/// A seed added later (a grown sweep) counts from when it was added: the configuration stays in
/// with its mean so far, which the new seed updates when it ends.
/// Racing's seeds are not waited for; each one that ends updates its configuration's mean. The best
/// at a moment is what `Ranking` would rank first among the configurations entered by then, if it
/// has a mean and no diverged seed (a sweep whose entered configurations all lack one has no best yet).
public enum BestHistory {
    /// A job that ended, when, and how.
    public struct Finish: Sendable, Equatable {
        public var job: Job
        public var at: Date
        public var status: RunStatus

        public init(job: Job, at: Date, status: RunStatus) {
            self.job = job
            self.at = at
            self.status = status
        }
    }

    /// The best from one moment on.
    public struct Point: Sendable, Equatable {
        /// Seconds from the sweep's first lease to the job end that made this the best.
        public var elapsed: Double
        /// Worker-seconds of every result recorded by then: the compute spent, unlike `elapsed`
        /// blind to a coordinator's downtime between a crash and its resume.
        public var workerSeconds: Double
        public var configID: String
        public var mean: Double
        public var std: Double
        public var seeds: Int
    }

    /// A configuration entering, with its mean then (nil: no mean, or a diverged seed).
    public struct Entry: Sendable, Equatable {
        public var elapsed: Double
        public var configID: String
        public var mean: Double?
    }

    /// The best after each job end that changed it (configuration, mean or seeds), in time order,
    /// and every configuration's entry.
    /// - Parameters:
    ///   - jobs: every job of the sweep, racing's included; `raced` names racing's.
    ///   - added: when each job added to the sweep after its creation was added (by job id); a
    ///     job not named was planned from the start.
    ///   - finishes: the jobs that ended; ties in time are taken in job id order.
    ///   - results: the recorded results (their worker-seconds and metrics).
    ///   - start: the sweep's first lease.
    public static func trace(jobs: [Job], raced: Set<String>, added: [String: Date] = [:], finishes: [Finish],
                             results: [ResultSummary], start: Date, metric: RankingMetric) -> (best: [Point], entries: [Entry]) {
        var planned: [String: Int] = [:]
        var later: [(at: Date, job: Job)] = []
        for job in jobs where !raced.contains(job.id) {
            if let at = added[job.id] { later.append((at, job)) } else { planned[job.configID, default: 0] += 1 }
        }
        later.sort { ($0.at, $0.job.id) < ($1.at, $1.job.id) }
        var nextLater = 0
        var uncounted = Set(later.map(\.job.id))
        func count(_ job: Job) {
            if uncounted.remove(job.id) != nil { planned[job.configID, default: 0] += 1 }
        }
        var entered: Set<String> = []
        let resultByJob = Dictionary(results.map { ($0.jobID, $0) }, uniquingKeysWith: { a, _ in a })
        var ended: [String: [Finish]] = [:]
        var candidates: [String: MetricSummary] = [:]
        var leader: (id: String, summary: MetricSummary)?
        func ahead(_ a: (id: String, summary: MetricSummary), of b: (id: String, summary: MetricSummary)) -> Bool {
            a.summary.mean == b.summary.mean ? a.id < b.id : metric.isBetter(a.summary.mean, than: b.summary.mean)
        }
        var best: [Point] = [], entries: [Entry] = []
        var workerSeconds = 0.0
        for finish in finishes.sorted(by: { ($0.at, $0.job.id) < ($1.at, $1.job.id) }) {
            // Seeds added by then are waited for; one that ends is counted even if the clocks
            // say it ended before it was added.
            while nextLater < later.count, later[nextLater].at <= finish.at {
                count(later[nextLater].job)
                nextLater += 1
            }
            count(finish.job)
            let configID = finish.job.configID
            // A worker's claim of its time: one that cannot be a real run's is not added up.
            if let seconds = resultByJob[finish.job.id]?.seconds, seconds.isFinite, seconds >= 0, seconds < ResultSummary.implausibleSeconds {
                workerSeconds += seconds
            }
            ended[configID, default: []].append(finish)
            var entering = false
            if !raced.contains(finish.job.id) {
                planned[configID, default: 0] -= 1
                entering = planned[configID] == 0 && entered.insert(configID).inserted
            }
            // An entered configuration waiting for a seed added later keeps its mean so far.
            guard planned[configID, default: 0] <= 0, let mine = ended[configID] else { continue }
            let elapsed = finish.at.timeIntervalSince(start)
            let row = Ranking.rank(jobs: mine.map(\.job), statuses: Dictionary(mine.map { ($0.job.id, $0.status) }, uniquingKeysWith: { a, _ in a }),
                                   results: mine.compactMap { resultByJob[$0.job.id] }, metric: metric).first
            let summary = row.flatMap { r in
                r.status == .ok && r.nDiverged == 0 ? r.metricMean.map { MetricSummary(mean: $0, std: r.metricStd ?? 0, count: r.nOK) } : nil
            }
            if entering { entries.append(Entry(elapsed: elapsed, configID: configID, mean: summary?.mean)) }
            candidates[configID] = summary
            // The leader kept as results come: a scan of every candidate only when the leader
            // itself got worse or left (racing's seeds), not at every job's end.
            if let summary, leader.map({ ahead((configID, summary), of: $0) }) ?? true {
                leader = (configID, summary)
            } else if leader?.id == configID {
                leader = candidates.map { (id: $0.key, summary: $0.value) }.min(by: ahead)
            }
            guard let leader else { continue }
            let point = Point(elapsed: elapsed, workerSeconds: workerSeconds, configID: leader.id, mean: leader.summary.mean,
                              std: leader.summary.std, seeds: leader.summary.count)
            if let last = best.last, last.configID == point.configID, last.mean == point.mean, last.seeds == point.seeds { continue }
            best.append(point)
        }
        return (best, entries)
    }
}
