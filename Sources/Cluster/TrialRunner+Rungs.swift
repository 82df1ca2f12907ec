import Foundation
import EBMCore
import Sweep

/// Training with intermediate evaluations: the run pauses at each rung, samples its current
/// model with the cheap evaluation, scores it with the sweep's ranking metric, and asks whether
/// to go on (docs/design.md, "Early stopping").
extension TrialRunner {
    /// Where and how a job is evaluated before its end.
    public struct RungPlan: Sendable, Equatable {
        /// Ascending, each below the run's iterations.
        public var iterations: [Int]
        /// The cheap evaluation (the sweep's sampler with fewer samples and steps).
        public var evaluation: EvaluationConfig
        public var metric: RankingMetric

        public init(iterations: [Int], evaluation: EvaluationConfig, metric: RankingMetric) {
            self.iterations = iterations
            self.evaluation = evaluation
            self.metric = metric
        }

        /// The plan a spec asks for a job of `iterations`; nil without an active rule.
        public init?(spec: SweepSpec, iterations: Int) {
            guard let e = spec.earlyStopping, e.isActive else { return nil }
            self.init(iterations: e.rungs(forIterations: iterations), evaluation: e.evaluation, metric: spec.metric)
        }
    }

    /// The training part of a run cut at the rungs: the whole run as one `TrainingRun`, and the
    /// report that stopped it (the answer to it was no; the run is then `.cancelled`).
    ///
    /// `Trainer.train` continues from its state when called again, so the run pauses by declining
    /// the step at a rung and resumes with the next call: the same steps in the same order, the
    /// same bits as one uncut call.
    struct SegmentedRun {
        var training: TrainingRun
        var stoppedAt: RungReport?
        /// The divergence check that ended the run, and what it saw (docs/design.md, "Divergence checks").
        var divergedAt: (iteration: Int, reason: String)?
    }

    /// Trains `trainer` to its last iteration, evaluating at `plan`'s rungs (none without a plan).
    /// `progress` sees every iteration (false cancels); `onRung` sees every rung report (false stops).
    static func train(_ trainer: inout Trainer, plan: RungPlan?, jobID: String, samplingSeed: UInt64,
                      progress: (Int, Double) -> Bool, onRung: (RungReport) -> Bool) -> SegmentedRun {
        let total = trainer.config.iterations
        var rungs = (plan?.iterations ?? []).filter { $0 > 0 && $0 < total }
        var losses: [Double] = []
        var seconds = 0.0
        var done = 0
        var cancelled = false
        func whole(_ status: RunStatus, _ model: Model, stoppedAt: RungReport? = nil,
                   divergedAt: (Int, String)? = nil) -> SegmentedRun {
            SegmentedRun(training: TrainingRun(status: status, losses: losses, iterations: losses.count,
                                               secondsPerIteration: losses.isEmpty ? 0 : seconds / Double(losses.count),
                                               model: model), stoppedAt: stoppedAt, divergedAt: divergedAt)
        }
        // Divergence checks between the rungs, only under a rule (a plan): sampling ones where they
        // are cheap, and the free chain check for maximum likelihood.
        let checkEvery = plan.flatMap { EarlyStopping.divergenceCheckInterval(config: trainer.config, cheap: $0.evaluation) }
        var nextCheck = checkEvery ?? Int.max
        let box = plan == nil ? nil : EvaluationData.make(for: trainer.config.dataset).box
        let allowed = box.map { EvaluationData.expand($0, by: Metrics.escapeMarginInBoxSizes) }
        var chains = ChainCheck(every: allowed != nil && trainer.config.method == .ml ? EarlyStopping.chainCheckInterval : nil)
        while true {
            let target = min(rungs.first ?? total, nextCheck, chains.next)
            let segment = trainer.train { i, loss in
                if !progress(done + i, loss) { cancelled = true; return false }
                return done + i < target
            }
            losses += segment.losses
            seconds += segment.secondsPerIteration * Double(segment.iterations)
            done += segment.iterations
            if segment.status == .diverged { return whole(.diverged, segment.model) }
            if cancelled { return whole(.cancelled, segment.model) }
            guard done < total, let plan else { return whole(.ok, segment.model) }
            if done >= chains.next, let allowed, let health = trainer.chainHealth(box: allowed),
               let reason = chains.judge(health) {
                return whole(.diverged, segment.model, divergedAt: (done, reason))
            }
            if done == rungs.first {
                // A rung: its evaluation reports the escaped share, and the coordinator judges it.
                rungs.removeFirst()
                let report = evaluate(segment.model, at: done, plan: plan, dataset: trainer.config.dataset,
                                      jobID: jobID, seed: samplingSeed)
                if !onRung(report) { return whole(.cancelled, segment.model, stoppedAt: report) }
            } else if done >= nextCheck, let box {
                var check = plan.evaluation
                check.samples = EarlyStopping.divergenceCheckSamples
                let escaped = Metrics.escapedFraction(samples: segment.model.sample(check, seed: samplingSeed), box: box)
                if escaped > EarlyStopping.divergedEscapedShare {
                    return whole(.diverged, segment.model, divergedAt: (done, "\(percent(escaped)) of a divergence "
                        + "check's samples escaped the data's box"))
                }
            }
            if let checkEvery, done >= nextCheck { nextCheck = done + checkEvery }
        }
    }

    /// The chain check's schedule and streak (`EarlyStopping.chainCheckInterval`).
    struct ChainCheck {
        let every: Int?
        private(set) var next: Int
        private var streak = 0

        init(every: Int?) {
            self.every = every
            next = every ?? Int.max
        }

        /// Why `health` shows the run diverged, or nil; schedules the next read.
        mutating func judge(_ health: ChainHealth) -> String? {
            next += every ?? 0
            if !(health.escaped <= EarlyStopping.divergedEscapedShare) {
                return "\(percent(health.escaped)) of the training chains escaped the data's box"
            }
            streak = health.driftToNoise >= EarlyStopping.overshootLimit ? streak + 1 : 0
            guard streak >= EarlyStopping.chainCheckStreak || !health.driftToNoise.isFinite else { return nil }
            return "the training chains' Langevin drift reached \(String(format: "%.1f", health.driftToNoise)) times its noise "
                + "(limit \(EarlyStopping.overshootLimit), \(EarlyStopping.chainCheckStreak) checks in a row): the sampler overshoots"
        }
    }

    static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded())) %" }

    /// The cheap evaluation of `model`: its samples scored with the ranking metric alone (NaN when
    /// undefined, e.g. every sample escaped) and the share of samples that escaped.
    static func evaluate(_ model: Model, at iteration: Int, plan: RungPlan, dataset: DatasetName,
                         jobID: String, seed: UInt64) -> RungReport {
        let samples = model.sample(plan.evaluation, seed: seed)
        let data = EvaluationData.make(for: dataset)
        let escaped = Metrics.escapedFraction(samples: samples, box: data.box)
        let metric: Double
        if plan.metric == .kdeNLL {
            let finite = finiteRows(samples, limit: Metrics.maxKDESamples)
            metric = finite.rows == 0 ? .nan : Metrics.kdeNLL(samples: finite, heldOut: data.heldOut, validation: data.validation).nll
        } else {
            let energy: ((Matrix) -> [Double])? = model.isEnergyModel ? { model.energy(at: $0) } : nil
            metric = Metrics.evaluate(samples: samples, evaluation: data, energy: energy)[plan.metric.rawValue] ?? .nan
        }
        return RungReport(jobID: jobID, iteration: iteration, metric: metric, escaped: escaped)
    }

    /// The first `limit` rows of `points` whose coordinates are all finite.
    static func finiteRows(_ points: Matrix, limit: Int) -> Matrix {
        var kept: [Double] = []
        kept.reserveCapacity(min(points.rows, limit) * points.columns)
        var rows = 0
        for i in 0..<points.rows where rows < limit {
            let row = (0..<points.columns).map { points[i, $0] }
            if row.allSatisfy(\.isFinite) { kept += row; rows += 1 }
        }
        return Matrix(rows: rows, columns: points.columns, storage: kept)
    }
}
