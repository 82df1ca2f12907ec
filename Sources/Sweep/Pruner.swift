import EBMCore

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
    /// Job `job` of the configuration ended diverged at `iteration`: a configuration with a
    /// diverged seed cannot win (`Ranking.sortGroup`), so its other seeds stop (docs/design.md,
    /// "A diverged seed ends its configuration").
    case seedDiverged(job: String, iteration: Int)
    /// The configuration's Langevin noise √(2ε) is wider than the data's narrowest spread: its
    /// training has no stable point and diverges once the model sharpens (`NoiseFloor`), so none
    /// of its seeds starts (docs/design.md, "The Langevin noise floor").
    case noiseFloor(NoiseFloor)

    /// The iteration the decision was taken at (a rung, or where the seed diverged).
    public var iteration: Int {
        switch self {
        case .escaped(let i, _), .outperformed(_, let i, _, _, _, _), .seedDiverged(_, let i): i
        case .noiseFloor: 0
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
        case .seedDiverged(let job, let i):
            return "seed \(job) diverged at iteration \(i)"
        case .noiseFloor(let floor):
            return "not run: its Langevin noise √(2ε) = \(Self.short(floor.noise)) is wider than the data's narrowest "
                + "spread \(Self.short(floor.spread)), so its chains cannot match the data and training diverges once the model sharpens"
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
    /// The reporting job diverged at the rung (`StopReason.escaped`): it ends as diverged, and
    /// every other unfinished job of its configuration stops with `siblings`
    /// (`StopReason.seedDiverged`); none of its pending ones starts.
    case stopDiverged(StopReason, siblings: StopReason)

    /// Why the reporting job stops; nil to go on.
    public var reason: StopReason? {
        switch self {
        case .proceed: nil
        case .stopJob(let r), .stopConfiguration(let r), .stopDiverged(let r, _): r
        }
    }

    /// Why the reporting job's siblings stop; nil when they go on.
    public var siblingsReason: StopReason? {
        switch self {
        case .proceed, .stopJob: nil
        case .stopConfiguration(let r), .stopDiverged(_, let r): r
        }
    }
}

/// A stopping rule as a pure state machine: it takes rung reports as they arrive and answers each
/// at once, never waiting for a rung to fill. Its state is a function of the reports it has taken,
/// in order, so replaying the stored reports after a coordinator restart rebuilds it exactly.
/// Its inputs are rung reports and the ends of runs that diverged (`recordDivergence`).
public protocol Pruner: Sendable {
    /// Takes one report and decides. A job's reports must come in rung order; a report for a job
    /// already stopped, or for an unknown job, is answered without changing the state.
    mutating func record(_ report: RungReport) -> PruneDecision
    /// Takes the end of job `job`, which diverged at `iteration` between rungs (a `diverged`
    /// result): its rung values leave every rung, and a seed-aware rule stops its configuration
    /// (`.stopConfiguration(.seedDiverged)`) while a configuration without a diverged seed can
    /// still win. An unknown job, or one already known diverged, changes nothing.
    mutating func recordDivergence(job: String, iteration: Int) -> PruneDecision
    /// Whether the configuration was stopped: its pending jobs must not start.
    func isStopped(configuration configID: String) -> Bool
    /// Whether the job was stopped, alone or with its configuration.
    func isStopped(job jobID: String) -> Bool
}

extension EarlyStopping {
    /// The pruner for this rule over `jobs`: seed-aware (a configuration judged on its seeds'
    /// mean, what sweeps use) or not (each job its own trial, for comparison in `ebm-sweep replay`),
    /// with the configurations of `notRun` (`notRunnable`) stopped before any job starts.
    /// nil for `none`.
    public func makePruner(jobs: [(job: String, configuration: String)], metric: RankingMetric,
                           seedAware: Bool = true, notRun: [String: StopReason] = [:]) -> (any Pruner)? {
        switch rule {
        case .none: nil
        case .asha: ASHAPruner(jobs: jobs, metric: metric, reductionFactor: reductionFactor, seedAware: seedAware,
                               notRun: notRun)
        case .median: MedianPruner(jobs: jobs, metric: metric, seedAware: seedAware, notRun: notRun)
        }
    }
}
