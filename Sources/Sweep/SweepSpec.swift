// Sweep: what a sweep is and decides — spec reading and validation, planning, the scheduler's state machine, stopping rules, racing, ranking, replays.

import EBMCore
import Foundation

/// A validated sweep file (docs/design.md, "Sweep specs"): what to train, what to vary, how to
/// score and rank.
///
/// Build one with `SweepSpec.load(path:)` or `SweepSpec.parse(yaml:file:)`; both validate every
/// key and report every mistake at once (`SweepSpecError`). A value of this type is always valid:
/// every listed value passed `Hyperparameter.check` and every planned configuration passed
/// `TrainingConfig.validate()`.
public struct SweepSpec: Sendable, Equatable {
    /// The file the spec came from, as the user named it (used in messages only).
    public var file: String
    /// Output directory name under results/; defaults to the file's stem.
    public var name: String
    /// Free text for the report; not part of any hash.
    public var description: String?
    public var method: Method
    /// Base dataset (the method's template dataset unless given); `fixed`/`grid` may override it.
    public var dataset: DatasetName
    public var metric: RankingMetric
    /// One value each, in spec order.
    public var fixed: [ParameterValue]
    /// Axes of the cartesian product, in spec order (the last varies fastest).
    public var grid: [GridAxis]
    /// Sampled configurations, combined with every grid point.
    public var random: RandomSearch?
    /// Replicas of every configuration (distinct).
    public var seeds: [UInt64]
    /// The sampler every run of the sweep is scored with.
    public var evaluation: EvaluationConfig
    /// The `early_stopping:` section as written; nil when absent (every job runs to its end).
    public var earlyStopping: EarlyStopping?
    /// Configurations whose checkpoints and plots are kept in best/.
    public var keepBest: Int
    /// Attempts (lost workers, crashes) before a job is marked failed.
    public var maxAttempts: Int
    /// Which nodes must compute the same bits (`reproducible:`; docs/design.md, "Determinism").
    public var reproducible: Reproducibility = .native
    /// Line of each key path that was written in the file (`fixed.lr` → 7), for later messages.
    public var keyLines: [String: Int]

    public static let defaultMaxAttempts = 3
    public static let defaultKeepBest = 3
    /// Jobs one sweep may plan. Planning and storing 100 000 jobs takes seconds and tens of MB;
    /// a 10⁷-job grid took minutes and gigabytes before anything was checked.
    public static let maxJobs = 100_000

    /// Jobs the spec asks for before duplicate configurations are merged: grid points × random
    /// samples × seeds, counted without expanding anything (saturating at `Int.max`).
    public var requestedJobCount: Int {
        let factors = grid.map(\.values.count) + [random?.samples ?? 1, seeds.count]
        return factors.reduce(1) { product, factor in
            let (result, overflow) = product.multipliedReportingOverflow(by: factor)
            return overflow ? Int.max : result
        }
    }

    /// The hyperparameters that vary across configurations, in spec order (grid, then random).
    public var variedNames: [String] {
        grid.map(\.name) + (random?.axes.map(\.name) ?? [])
    }
}

/// Which workers give bit-identical results for the same job.
public enum Reproducibility: String, CaseIterable, Sendable {
    /// Each worker runs its CPU's fastest BLAS kernels: the same bits on workers of one kernel family
    /// (every result records its family, and the report notes a sweep that mixed them).
    case native
    /// Every worker runs the common kernels (Haswell on x86-64): the same bits on every node, slower
    /// on CPUs with AVX-512. Local workers start with `--portable`; remote ones must be given it.
    case portable
}

/// One hyperparameter and one value.
public struct ParameterValue: Hashable, Sendable {
    public var name: String
    public var value: HyperparameterValue
    public init(name: String, value: HyperparameterValue) {
        self.name = name
        self.value = value
    }
}

/// One axis of a grid: a hyperparameter and its distinct values, in spec order.
public struct GridAxis: Hashable, Sendable {
    public var name: String
    public var values: [HyperparameterValue]
    public init(name: String, values: [HyperparameterValue]) {
        self.name = name
        self.values = values
    }
}

/// Random search: `samples` configurations drawn from `axes` by a `RandomSource` seeded with `seed`.
public struct RandomSearch: Hashable, Sendable {
    public var samples: Int
    public var seed: UInt64
    public var axes: [RandomAxis]
    public init(samples: Int, seed: UInt64, axes: [RandomAxis]) {
        self.samples = samples
        self.seed = seed
        self.axes = axes
    }
}

public struct RandomAxis: Hashable, Sendable {
    public var name: String
    public var distribution: Distribution
    public init(name: String, distribution: Distribution) {
        self.name = name
        self.distribution = distribution
    }

    public enum Distribution: Hashable, Sendable {
        /// exp(U(log a, log b)), for scales such as learning rates; 0 < a < b.
        case logUniform(Double, Double)
        /// U(a, b); a < b.
        case uniform(Double, Double)
        /// Uniform over the integers a...b; a ≤ b.
        case int(Int, Int)
        /// One of the values, each equally likely.
        case choice([HyperparameterValue])

        /// The spec's spelling, also the canonical text: `log_uniform: [0.0001, 0.01]`.
        public var canonicalText: String {
            switch self {
            case .logUniform(let a, let b): "log_uniform: [\(HyperparameterValue.format(a)), \(HyperparameterValue.format(b))]"
            case .uniform(let a, let b): "uniform: [\(HyperparameterValue.format(a)), \(HyperparameterValue.format(b))]"
            case .int(let a, let b): "int: [\(a), \(b)]"
            case .choice(let values): "choice: [\(values.map(\.description).joined(separator: ", "))]"
            }
        }

        /// One draw; integer-valued for `.int`, the listed value for `.choice`.
        public func sample(using random: inout RandomSource) -> HyperparameterValue {
            switch self {
            case .logUniform(let a, let b): .double(min(max(exp(random.uniform(log(a), log(b))), a), b))  // clamp: exp∘log may round past an end
            case .uniform(let a, let b): .double(random.uniform(a, b))
            case .int(let a, let b): .int(a + random.index(below: b - a + 1))
            case .choice(let values): values[random.index(below: values.count)]
            }
        }
    }
}
