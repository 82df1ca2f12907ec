/// What every stopping rule keeps and does alike: which job belongs to which unit, the values seen
/// at each rung, divergence pruning, and the stops decided so far. A rule adds only its threshold.
struct PrunerState: Sendable, Equatable {
    /// One-sided confidence of the seed-aware bound: a configuration is stopped when its true mean
    /// is worse than the threshold with at least this probability (under normal seed noise).
    static let confidence = 0.9

    let seedAware: Bool
    let lowerIsBetter: Bool
    /// jobID → configID.
    let configuration: [String: String]
    /// configID → number of seeds (jobs) in the sweep.
    let seedCount: [String: Int]
    private(set) var rungs: [Int: RungRecord] = [:]
    private(set) var stoppedJobs: [String: StopReason] = [:]
    private(set) var stoppedConfigurations: [String: StopReason] = [:]
    /// configID → seeds that ended diverged (they no longer count as seeds to wait for).
    private var divergedSeeds: [String: Int] = [:]
    /// Jobs that ended diverged, at a rung or between rungs: each counted once.
    private var divergedJobs: Set<String> = []
    /// jobID → the last rung it reported, to drop repeats (a retried attempt) and disorder.
    private var lastRung: [String: Int] = [:]

    /// `notRun`: configurations stopped before any job starts (`EarlyStopping.notRunnable`).
    init(jobs: [(job: String, configuration: String)], metric: RankingMetric, seedAware: Bool,
         notRun: [String: StopReason] = [:]) {
        self.seedAware = seedAware
        lowerIsBetter = !metric.higherIsBetter
        configuration = Dictionary(jobs.map { ($0.job, $0.configuration) }, uniquingKeysWith: { a, _ in a })
        var counts: [String: Int] = [:]
        for (_, config) in configuration { counts[config, default: 0] += 1 }
        seedCount = counts
        stoppedConfigurations = notRun.filter { counts[$0.key] != nil }
    }

    /// The first half of every rule's `record`: either the answer (unknown, repeated or stopped
    /// job; divergence) or the unit to judge, after its value has been added to the rung.
    enum Admission {
        case answered(PruneDecision)
        case judge(unit: String)
    }

    mutating func admit(_ report: RungReport) -> Admission {
        guard let config = configuration[report.jobID] else { return .answered(.proceed) }
        if let reason = stoppedJobs[report.jobID] ?? stoppedConfigurations[config] {
            return .answered(seedAware ? .stopConfiguration(reason) : .stopJob(reason))
        }
        guard report.iteration > lastRung[report.jobID] ?? 0 else { return .answered(.proceed) }
        lastRung[report.jobID] = report.iteration
        if !report.metric.isFinite || !(report.escaped <= EarlyStopping.divergedEscapedShare) {
            let reason = StopReason.escaped(iteration: report.iteration,
                                            share: report.metric.isFinite ? report.escaped : .nan)
            stoppedJobs[report.jobID] = reason
            let siblings = diverge(job: report.jobID, iteration: report.iteration)
            return .answered(siblings.map { .stopDiverged(reason, siblings: $0) } ?? .stopJob(reason))
        }
        let unit = seedAware ? config : report.jobID
        rungs[report.iteration, default: RungRecord()].add(lowerIsBetter ? report.metric : -report.metric, unit: unit,
                                                            job: report.jobID)
        return .judge(unit: unit)
    }

    /// `Pruner.recordDivergence`: a run that diverged between rungs.
    mutating func recordDivergence(job: String, iteration: Int) -> PruneDecision {
        guard configuration[job] != nil, !divergedJobs.contains(job) else { return .proceed }
        if stoppedJobs[job] == nil { stoppedJobs[job] = .seedDiverged(job: job, iteration: iteration) }
        return diverge(job: job, iteration: iteration).map { .stopConfiguration($0) } ?? .proceed
    }

    /// Job `job` ended diverged at `iteration` (docs/design.md, "A diverged seed ends its
    /// configuration"). Its values leave every rung: runs that cannot win must not set the
    /// thresholds (diverging runs often score best just before they blow up). A seed-aware rule
    /// also stops its configuration, whose values leave with it, unless no other configuration
    /// without a diverged seed can still win (then the sweep's best is among the diverging ones,
    /// and their seeds still matter). Returns the siblings' stop; nil when they go on.
    private mutating func diverge(job: String, iteration: Int) -> StopReason? {
        guard let config = configuration[job], divergedJobs.insert(job).inserted else { return nil }
        divergedSeeds[config, default: 0] += 1
        let unit = seedAware ? config : job
        for rung in rungs.keys { rungs[rung]?.remove(job: job, unit: unit) }
        guard seedAware, stoppedConfigurations[config] == nil, hasCleanRival(of: config) else { return nil }
        let reason = StopReason.seedDiverged(job: job, iteration: iteration)
        stoppedConfigurations[config] = reason
        for rung in rungs.keys { rungs[rung]?.remove(unit: config) }
        return reason
    }

    /// Whether a configuration other than `config` without a diverged seed can still win: one the
    /// rule has not stopped (pending, running or completed). Configurations only ever leave this
    /// set, so once it is empty the diverged-seed rule stays off for the rest of the sweep.
    func hasCleanRival(of config: String) -> Bool {
        seedCount.keys.contains { $0 != config && divergedSeeds[$0] == nil && stoppedConfigurations[$0] == nil }
    }

    /// Values a unit needs at a rung before it is judged there: one for a job; for a
    /// configuration two of its seeds (all of them if it has fewer live ones), because one seed
    /// cannot tell a bad configuration from a bad seed.
    func requiredValues(for unit: String) -> Int {
        guard seedAware else { return 1 }
        let live = (seedCount[unit] ?? 1) - (divergedSeeds[unit] ?? 0)
        return max(1, min(2, live))
    }

    func isJudged(_ unit: String, at rung: Int) -> Bool {
        (rungs[rung]?.count(of: unit) ?? 0) >= requiredValues(for: unit)
    }

    /// Units judged at `rung`, in the order they first reported there.
    func judgedUnits(at rung: Int) -> [String] {
        (rungs[rung]?.units ?? []).filter { isJudged($0, at: rung) }
    }

    /// The unit's optimistic bound at `rung` (loss orientation): its mean when it is one run
    /// (a job, or a configuration with one seed), otherwise `RungRecord.lowerBound`.
    func bound(of unit: String, at rung: Int) -> Double? {
        guard let record = rungs[rung] else { return nil }
        if !seedAware || (seedCount[unit] ?? 1) <= 1 { return record.mean(of: unit) }
        return record.lowerBound(of: unit, confidence: Self.confidence)
    }

    /// Records the stop of `unit` and answers with it; `threshold` and `bound` in loss orientation.
    /// `rule` names the rule in the reason (`EarlyStopping.Rule`'s name, or the replay's oracle).
    mutating func stop(_ unit: String, rule: String, rung: Int, bound: Double, threshold: Double) -> PruneDecision {
        let record = rungs[rung]
        let lowerIsBetter = lowerIsBetter
        func metricValue(_ x: Double) -> Double { lowerIsBetter ? x : -x }
        let reason = StopReason.outperformed(rule: rule, iteration: rung,
                                             mean: metricValue(record?.mean(of: unit) ?? .nan),
                                             bound: metricValue(bound), threshold: metricValue(threshold),
                                             seeds: record?.count(of: unit) ?? 0)
        if seedAware {
            stoppedConfigurations[unit] = reason
            return .stopConfiguration(reason)
        }
        stoppedJobs[unit] = reason
        return .stopJob(reason)
    }

    func isStopped(configuration configID: String) -> Bool { stoppedConfigurations[configID] != nil }

    func isStopped(job jobID: String) -> Bool {
        stoppedJobs[jobID] != nil || configuration[jobID].map(isStopped(configuration:)) == true
    }
}
