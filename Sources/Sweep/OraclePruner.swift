import EBMCore

/// The replay's reference point, not a rule a sweep can run: it knows every configuration's mean
/// at every rung over all its seeds, and which configuration the full grid ranks first, and stops
/// a configuration at the first rung where its mean trails that best's mean there — at its first
/// seed's report, with every seed (docs/design.md, "The oracle").
///
/// Why it is the yardstick: a rule that judges configurations by their means at a rung and keeps
/// the grid's best must keep, at every rung, each configuration at least as good as the best is
/// there; the oracle keeps exactly those and stops the rest as soon as a rule could hear of them.
/// Its share of the grid is what such a rule would spend had it no seed noise to allow for and no
/// doubt which configuration wins; a target below it is out of any such rule's reach.
public struct OraclePruner: Pruner, Equatable {
    var state: PrunerState
    /// configID → rung → the configuration's mean there over every seed the trace recorded with a
    /// finite value, in loss orientation (lower is better).
    let means: [String: [Int: Double]]
    /// The full grid's first-ranked configuration (`ReplayOutcome.gridRanking`); nil: nothing ended ok.
    let best: String?

    public init(trace: ReplayTrace, notRun: [String: StopReason] = [:]) {
        state = PrunerState(jobs: trace.jobs.map { ($0.id, $0.configID) }, metric: trace.metric, seedAware: true,
                            notRun: notRun)
        let sign = trace.metric.higherIsBetter ? -1.0 : 1.0
        var values: [String: [Int: [Double]]] = [:]
        for job in trace.jobs {
            for rung in job.rungs where rung.metric.isFinite && rung.escaped <= EarlyStopping.divergedEscapedShare {
                values[job.configID, default: [:]][rung.iteration, default: []].append(sign * rung.metric)
            }
        }
        means = values.mapValues { $0.mapValues { $0.reduce(0, +) / Double($0.count) } }
        best = ReplayOutcome.gridRanking(trace).first?.config
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
