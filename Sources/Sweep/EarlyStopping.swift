import EBMCore

/// The spec's `early_stopping:` section: which stopping rule judges the configurations, at which
/// iterations (the rungs), and the cheap evaluation that scores a run there. See docs/design.md,
/// "Early stopping", for the rules.
public struct EarlyStopping: Hashable, Sendable {
    /// The spec's `type:` words.
    public enum Rule: String, Hashable, Sendable, CaseIterable {
        /// Asynchronous successive halving (Li et al., MLSys 2020), seed-aware.
        case asha
        /// The median stopping rule (Golovin et al., Vizier, KDD 2017), seed-aware.
        case median
        /// Every job runs to its last iteration (the default).
        case none
    }

    public var rule: Rule
    /// The first rung; later rungs are `minIterations · reductionFactor^k`, below a run's iterations.
    public var minIterations: Int
    /// η: the spacing of the rungs and, for ASHA, the share 1/η of configurations that continues.
    public var reductionFactor: Int
    /// The cheap evaluation run at each rung: the sweep's sampler with fewer samples, and fewer but
    /// longer steps (`cheapEvaluation`).
    public var evaluation: EvaluationConfig
    /// Fresh seeds racing runs the best configuration on once every planned job has finished, its
    /// closest rivals on the first of them (docs/design.md, "Racing"); nil: as many as the sweep
    /// has, 0: none.
    public var raceSeeds: Int?

    public static let defaultMinIterations = 100
    public static let defaultReductionFactor = 3
    /// The cheap evaluation's default size: a fifth to a tenth of the final evaluation's work at
    /// the shipped specs, so a run stopped at the first rung pays mostly for training.
    public static let defaultSamples = 500
    public static let defaultSteps = 200
    /// Share of a rung evaluation's samples that must escape for the run to count as diverged
    /// ("most samples"), the final evaluation's limit: a run diverged at a rung is one the final
    /// evaluation would have called diverged. Divergence pruning is always on, whatever the rule.
    public static let divergedEscapedShare = RunVerdict.escapedLimit
    /// The key of a stopped job's result that holds the rung it was stopped at, beside its metric
    /// there (metrics.json keeps diagnostics beside the contract metrics).
    public static let stoppedAtKey = "stopped_at"

    public init(rule: Rule, minIterations: Int = defaultMinIterations,
                reductionFactor: Int = defaultReductionFactor, evaluation: EvaluationConfig) {
        self.rule = rule
        self.minIterations = minIterations
        self.reductionFactor = reductionFactor
        self.evaluation = evaluation
    }

    /// The defaults for a sweep scored with `final`: its sampler, at most 500 samples × 200 steps.
    public static func defaults(rule: Rule, final: EvaluationConfig) -> EarlyStopping {
        EarlyStopping(rule: rule, evaluation: cheapEvaluation(final: final))
    }

    /// The sweep's sampler (`final`) with `samples` chains and `steps` steps, at most the final
    /// evaluation's. Unless `stepSize` is given, the steps are lengthened so that they cover the
    /// same Langevin time ε·T as the final evaluation's: chains started from noise that run a fifth
    /// of the time score the noise they started from, not the model (measured: the rung metric
    /// of a small ML model on the swiss roll was the same at every rung with 5 steps of 5e-4).
    public static func cheapEvaluation(final: EvaluationConfig, samples: Int? = nil, steps: Int? = nil,
                                       stepSize: Double? = nil) -> EvaluationConfig {
        var cheap = final
        cheap.samples = samples ?? min(defaultSamples, final.samples)
        cheap.steps = steps ?? min(defaultSteps, final.steps)
        cheap.stepSize = stepSize ?? (cheap.steps > 0 && cheap.steps < final.steps
            ? final.stepSize * Double(final.steps) / Double(cheap.steps) : final.stepSize)
        return cheap
    }

    /// Divergence checks between rungs (docs/design.md, "Divergence checks"): a job under an
    /// active rule samples this many chains of its current model with the rung evaluation's
    /// sampler every `divergenceCheckInterval` iterations, and ends as diverged at once when most
    /// of them escaped the data's box, instead of training on to the next rung.
    public static let divergenceCheckSamples = 64
    /// A check may cost at most this share of the training between two checks.
    public static let divergenceCheckBudget = 0.02

    /// The chain check (docs/design.md, "Divergence checks"): a maximum-likelihood run under a rule
    /// reads its training chains' `ChainHealth` every `chainCheckInterval` iterations, at no
    /// sampling cost, and ends as diverged once the mean Langevin drift has been at least
    /// `overshootLimit` times the step's noise on `chainCheckStreak` reads in a row (or most of the
    /// chains escaped). Near 1 the sampler starts to overshoot the learned wells (ε ≈ 2σ² in a well
    /// of width σ); 3, because a stable run of ml_swiss_grid3k reached 1.5 and settled, while every
    /// diverging one went from 1 to thousands within about 100 iterations.
    public static let chainCheckInterval = 10
    public static let chainCheckStreak = 2
    public static let overshootLimit = 3.0

    /// Iterations between two divergence checks of a run of `config`, or nil when even one check
    /// per run would cost more than the budget (NCE's 100-row batches: a check is ~40 iterations).
    /// Cost is counted in rows through the network: a check is samples × steps; an iteration is
    /// its batch times the passes each row makes (ML: its Langevin steps, the data and the samples;
    /// NCE: data and noise; ISM: the forward and one pass per input for the Jacobian's trace; DSM: one).
    public static func divergenceCheckInterval(config: TrainingConfig, cheap: EvaluationConfig) -> Int? {
        let passes: Int = switch config.method {
        case .ml: config.langevinSteps + 2
        case .nce: 2
        case .ism: 3
        case .dsm: 1
        }
        let check = Double(divergenceCheckSamples * max(1, cheap.steps))
        let interval = Int((check / (divergenceCheckBudget * Double(max(1, config.batchSize * passes)))).rounded(.up))
        return interval < config.iterations ? max(10, interval) : nil
    }

    /// Whether any job is judged before its end.
    public var isActive: Bool { rule != .none }

    /// The iterations at which a run of `iterations` is evaluated and judged: `minIterations·η^k`
    /// for k = 0, 1, ... while below `iterations` (a rung at the last iteration would save nothing:
    /// the final evaluation judges it). Empty when the rule is `none`.
    public func rungs(forIterations iterations: Int) -> [Int] {
        guard isActive, minIterations >= 1, reductionFactor >= 2 else { return [] }
        var result: [Int] = []
        var rung = minIterations
        while rung < iterations {
            result.append(rung)
            let (next, overflow) = rung.multipliedReportingOverflow(by: reductionFactor)
            if overflow { break }
            rung = next
        }
        return result
    }

    /// `key: value` pairs for the spec's canonical text (`SweepSpec.canonicalEntries`).
    var canonicalEntries: [(key: String, value: String)] {
        [("early_stopping.type", rule.rawValue),
         ("early_stopping.min_iterations", String(minIterations)),
         ("early_stopping.reduction_factor", String(reductionFactor)),
         ("early_stopping.evaluation.samples", String(evaluation.samples)),
         ("early_stopping.evaluation.steps", String(evaluation.steps)),
         ("early_stopping.evaluation.step_size", HyperparameterValue.format(evaluation.stepSize))]
    }
}
