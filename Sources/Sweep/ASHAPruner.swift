/// Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter
/// Tuning", MLSys 2020), in its stopping form (as Ray Tune's ASHA and Syne Tune's "stopping"
/// scheduler): when a unit reaches a rung it continues if it is in the best 1/η of the units
/// recorded at that rung so far, and is stopped otherwise. Decisions are taken as reports arrive;
/// no rung is ever waited for.
///
/// Seed-aware (`seedAware: true`, what sweeps use): the unit is a configuration, its value at a
/// rung the mean over the seeds that reported there. It is judged once two of its seeds have
/// reported (every seed if it has fewer), and stopped — with all its seeds, pending ones included —
/// only when the optimistic one-sided bound on its mean (`RungRecord.lowerBound`) is worse than
/// the threshold: a configuration is stopped for being bad, not for one bad seed.
///
/// Seed-unaware (`seedAware: false`): each job is its own trial, judged on its own value; the
/// baseline the seed-aware rule is compared with.
///
/// Threshold at a rung: the 100/η-th percentile (linear interpolation, Ray's cutoff) of the
/// judged units' current means there, the reporting unit's included — the first unit at a rung
/// is never stopped.
public struct ASHAPruner: Pruner, Equatable {
    public let reductionFactor: Int
    var state: PrunerState

    /// - Parameter jobs: every job of the sweep and its configuration.
    /// - Precondition: reductionFactor ≥ 2 (the spec reader enforces it).
    public init(jobs: [(job: String, configuration: String)], metric: RankingMetric, reductionFactor: Int, seedAware: Bool,
                notRun: [String: StopReason] = [:]) {
        precondition(reductionFactor >= 2, "ASHA needs a reduction factor of at least 2")
        self.reductionFactor = reductionFactor
        state = PrunerState(jobs: jobs, metric: metric, seedAware: seedAware, notRun: notRun)
    }

    public init(jobs: [Job], metric: RankingMetric, reductionFactor: Int, seedAware: Bool, notRun: [String: StopReason] = [:]) {
        self.init(jobs: jobs.map { ($0.id, $0.configID) }, metric: metric, reductionFactor: reductionFactor, seedAware: seedAware,
                  notRun: notRun)
    }

    public mutating func record(_ report: RungReport) -> PruneDecision {
        let unit: String
        switch state.admit(report) {
        case .answered(let decision): return decision
        case .judge(let u): unit = u
        }
        let rung = report.iteration
        guard state.isJudged(unit, at: rung), let record = state.rungs[rung],
              let bound = state.bound(of: unit, at: rung) else { return .proceed }
        let means = state.judgedUnits(at: rung).compactMap { record.mean(of: $0) }
        guard let threshold = Percentile.of(means, 100 / Double(reductionFactor)), bound > threshold else {
            return .proceed
        }
        return state.stop(unit, rule: EarlyStopping.Rule.asha.rawValue, rung: rung, bound: bound, threshold: threshold)
    }

    public mutating func recordDivergence(job: String, iteration: Int) -> PruneDecision {
        state.recordDivergence(job: job, iteration: iteration)
    }

    public func isStopped(configuration configID: String) -> Bool { state.isStopped(configuration: configID) }
    public func isStopped(job jobID: String) -> Bool { state.isStopped(job: jobID) }
}
