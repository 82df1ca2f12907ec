/// One intermediate evaluation: job `jobID` scored `metric` with the cheap evaluation after
/// `iteration` training iterations (one of its rungs); `escaped` is the share of its samples
/// that were non-finite or far outside the data.
public struct RungReport: Hashable, Sendable {
    public var jobID: String
    public var iteration: Int
    public var metric: Double
    public var escaped: Double

    public init(jobID: String, iteration: Int, metric: Double, escaped: Double) {
        self.jobID = jobID
        self.iteration = iteration
        self.metric = metric
        self.escaped = escaped
    }
}

/// Why a job was stopped before its last iteration; kept with the job and shown in the tables.
public enum StopReason: Hashable, Sendable, CustomStringConvertible {
    /// More than half of the rung evaluation's samples escaped, or its metric was not finite:
    /// the chains blew up (divergence pruning, always on).
    case escaped(iteration: Int, share: Double)
    /// The unit's bound at the rung was worse than the rule's threshold there. `bound` is the
    /// one-sided confidence bound on its mean over `seeds` seeds (the mean itself when the unit
    /// is one run); both in the metric's own units.
    case outperformed(rule: String, iteration: Int, mean: Double, bound: Double, threshold: Double, seeds: Int)

    /// The rung the decision was taken at.
    public var iteration: Int {
        switch self {
        case .escaped(let i, _), .outperformed(_, let i, _, _, _, _): i
        }
    }

    public var description: String {
        switch self {
        case .escaped(let i, let share):
            return share.isFinite
                ? "diverged at iteration \(i): \(Int((share * 100).rounded())) % of the rung's samples escaped"
                : "diverged at iteration \(i): the rung's metric was not finite"
        case .outperformed(let rule, let i, let mean, let bound, let threshold, let seeds):
            let of = seeds == 1 ? "1 seed" : "\(seeds) seeds"
            return "\(rule) at iteration \(i): mean \(Self.short(mean)) over \(of), bound \(Self.short(bound)) "
                + "worse than the threshold \(Self.short(threshold))"
        }
    }

    static func short(_ x: Double) -> String { x.isFinite ? String(format: "%.4g", x) : "\(x)" }
}

/// A pruner's answer to one report.
public enum PruneDecision: Hashable, Sendable {
    /// Keep training.
    case proceed
    /// Stop the reporting job only (divergence, or a seed-unaware rule).
    case stopJob(StopReason)
    /// Stop every unfinished job of the reporting job's configuration and start none of its
    /// pending ones (a seed-aware rule judged the configuration).
    case stopConfiguration(StopReason)

    public var reason: StopReason? {
        switch self {
        case .proceed: nil
        case .stopJob(let r), .stopConfiguration(let r): r
        }
    }
}

/// A stopping rule as a pure state machine: it takes rung reports as they arrive and answers each
/// at once, never waiting for a rung to fill. Its state is a function of the reports it has taken,
/// in order, so replaying the stored reports after a coordinator restart rebuilds it exactly.
public protocol Pruner: Sendable {
    /// Takes one report and decides. A job's reports must come in rung order; a report for a job
    /// already stopped, or for an unknown job, is answered without changing the state.
    mutating func record(_ report: RungReport) -> PruneDecision
    /// Whether the configuration was stopped: its pending jobs must not start.
    func isStopped(configuration configID: String) -> Bool
    /// Whether the job was stopped, alone or with its configuration.
    func isStopped(job jobID: String) -> Bool
}

extension EarlyStopping {
    /// The pruner for this rule over `jobs`: seed-aware (a configuration judged on its seeds'
    /// mean, what sweeps use) or not (each job its own trial, for comparison in `ebm-sweep replay`).
    /// nil for `none`.
    public func makePruner(jobs: [(job: String, configuration: String)], metric: RankingMetric,
                           seedAware: Bool = true) -> (any Pruner)? {
        switch rule {
        case .none: nil
        case .asha: ASHAPruner(jobs: jobs, metric: metric, reductionFactor: reductionFactor, seedAware: seedAware)
        case .median: MedianPruner(jobs: jobs, metric: metric, seedAware: seedAware)
        }
    }
}
