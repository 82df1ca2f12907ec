import EBMCore

/// The replay's reference points, not rules a sweep can run: they know every configuration's mean
/// at every rung over all its seeds, and which configuration the full grid ranks first among those
/// a sweep could keep, and stop a configuration, with every seed, at the first rung where it
/// trails that best's mean there (docs/design.md, "The oracle").
///
/// - `oracle` judges a configuration at its first seed's report, on its every-seed mean: a rule
///   with no seed noise to allow for and no doubt which configuration wins.
/// - `oracle-bound` judges it as seed-aware ASHA does — once two seeds have reported, on the
///   optimistic bound of their mean (`PrunerState.bound`) — against the best's mean: a rule that
///   allows for seed noise as ours must, but knows the winner. Its distance to `oracle` is what
///   allowing for seed noise costs; a rule's distance to it, what not knowing the winner costs.
///
/// Neither is a floor under every rule: one that stops a configuration ahead of the best at a rung
/// (ASHA's threshold moves with the order reports arrive) can spend less and still keep the best,
/// by luck of the trace. Configurations with a diverged seed stop as under every rule.
public struct OraclePruner: Pruner, Equatable {
    var state: PrunerState
    /// configID → rung → the configuration's mean there over every seed the trace recorded with a
    /// finite value, in loss orientation (lower is better).
    let means: [String: [Int: Double]]
    /// The full grid's first-ranked configuration that a sweep could keep (`ReplayOutcome.gridRanking`,
    /// less those it never runs and those with an escaped rung evaluation); nil: none.
    let best: String?
    /// `oracle-bound`: judge on the seed-aware bound, once judged, instead of the every-seed mean.
    let judgesOnBound: Bool

    /// - Parameters:
    ///   - rungs: the rule's rungs, at which a configuration is judged.
    ///   - judgesOnBound: `oracle-bound` (true) or `oracle` (false).
    public init(trace: ReplayTrace, rungs: Set<Int>, notRun: [String: StopReason] = [:], judgesOnBound: Bool = false) {
        self.judgesOnBound = judgesOnBound
        state = PrunerState(jobs: trace.jobs.map { ($0.id, $0.configID) }, metric: trace.metric, seedAware: true,
                            notRun: notRun)
        let sign = trace.metric.higherIsBetter ? -1.0 : 1.0
        var values: [String: [Int: [Double]]] = [:]
        var escaped: Set<String> = []
        for job in trace.jobs {
            for rung in job.rungs where rungs.contains(rung.iteration) {
                guard rung.metric.isFinite && rung.escaped <= EarlyStopping.divergedEscapedShare else {
                    escaped.insert(job.configID)
                    continue
                }
                values[job.configID, default: [:]][rung.iteration, default: []].append(sign * rung.metric)
            }
        }
        means = values.mapValues { $0.mapValues { $0.reduce(0, +) / Double($0.count) } }
        // Divergence pruning stops a configuration with an escaped rung under every rule, and a
        // sweep never runs one above the noise floor: neither can be the best a rule keeps.
        best = ReplayOutcome.gridRanking(trace).first { notRun[$0.config] == nil && !escaped.contains($0.config) }?.config
    }

    public mutating func record(_ report: RungReport) -> PruneDecision {
        let unit: String
        switch state.admit(report) {
        case .answered(let decision): return decision
        case .judge(let u): unit = u
        }
        let rung = report.iteration
        guard let best, unit != best, let bar = means[best]?[rung] else { return .proceed }
        let value = judgesOnBound
            ? (state.isJudged(unit, at: rung) ? state.bound(of: unit, at: rung) : nil)
            : means[unit]?[rung]
        guard let value, value > bar else { return .proceed }
        return state.stop(unit, rule: judgesOnBound ? "oracle-bound" : "oracle", rung: rung, bound: value, threshold: bar)
    }

    public mutating func recordDivergence(job: String, iteration: Int) -> PruneDecision {
        state.recordDivergence(job: job, iteration: iteration)
    }

    public func isStopped(configuration configID: String) -> Bool { state.isStopped(configuration: configID) }
    public func isStopped(job jobID: String) -> Bool { state.isStopped(job: jobID) }
}
