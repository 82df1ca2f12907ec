import EBMCore

/// The replay's reference point, not a rule a sweep can run: it knows every configuration's mean
/// at every rung over all its seeds, and which configuration the full grid ranks first among those
/// a sweep could keep, and stops a configuration at the first rung where its mean trails that
/// best's mean there — at its first seed's report, with every seed (docs/design.md, "The oracle").
///
/// What it measures: the spend of a rule that never stops a configuration doing at least as well
/// as the best at a rung, with no seed noise to allow for and no doubt which configuration wins.
/// It is not a floor under every rule: one that stops a configuration ahead of the best at a rung
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

    /// - Parameter rungs: the rule's rungs, at which a configuration is judged.
    public init(trace: ReplayTrace, rungs: Set<Int>, notRun: [String: StopReason] = [:]) {
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
        guard let best, unit != best, let mean = means[unit]?[rung], let bar = means[best]?[rung], mean > bar else {
            return .proceed
        }
        return state.stop(unit, rule: "oracle", rung: rung, bound: mean, threshold: bar)
    }

    public mutating func recordDivergence(job: String, iteration: Int) -> PruneDecision {
        state.recordDivergence(job: job, iteration: iteration)
    }

    public func isStopped(configuration configID: String) -> Bool { state.isStopped(configuration: configID) }
    public func isStopped(job jobID: String) -> Bool { state.isStopped(job: jobID) }
}
