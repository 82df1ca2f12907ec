import EBMCore

/// Mean, sample standard deviation (n − 1; 0 for a single value) and count of one metric over the
/// ok seeds of a configuration.
public struct MetricSummary: Sendable, Equatable {
    public var mean: Double
    public var std: Double
    public var count: Int

    public init(mean: Double, std: Double, count: Int) {
        self.mean = mean
        self.std = std
        self.count = count
    }

    /// Summary of the finite values; nil when there are none (non-finite values are not results).
    public init?(_ values: [Double]) {
        let v = values.filter(\.isFinite)
        guard !v.isEmpty else { return nil }
        let mean = v.reduce(0, +) / Double(v.count)
        let ss = v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        self.init(mean: mean, std: v.count > 1 ? (ss / Double(v.count - 1)).squareRoot() : 0, count: v.count)
    }
}

/// One row of the ranked results table (results.csv / .md / .tex).
public struct RankedConfiguration: Sendable {
    /// 1-based; ties in the metric are broken by `configID`, so ranks are unique and stable.
    public var rank: Int
    public var configID: String
    /// Every hyperparameter the method reads (seed excluded), in the registry's table order.
    public var hyperparameters: [(name: String, value: HyperparameterValue)]
    /// The ranking metric over ok seeds; nil when no ok seed reported a finite value.
    public var metricMean: Double?
    public var metricStd: Double?
    public var nOK: Int
    public var nDiverged: Int
    public var nFailed: Int
    /// Seeds the early-stopping rule stopped (at a rung, or before they started).
    public var nStopped: Int = 0
    /// For a stopped configuration: the highest rung its stopped seeds reached, and their mean
    /// rung metric there (the cheap evaluation's, not comparable with `metricMean`).
    public var stoppedAt: Int?
    public var rungMean: Double?
    /// Stopped before any of its seeds trained (its Langevin noise floor, or a rule changed on
    /// resume): no rung reached, nothing scored. Tables say "not run", not "stopped at 0".
    public var neverRan: Bool { status == .stopped && nOK == 0 && (stoppedAt ?? 0) == 0 && rungMean == nil }
    /// What its seeds add up to: `stopped` if the early-stopping rule stopped it (its mean is then
    /// left out: the seeds that finished before the stop are not its whole story), else `ok` if
    /// one seed finished ok (ranked by the metric), else `diverged` if one diverged, else `failed`
    /// if one failed, else `pending`.
    public var status: RunStatus
    /// Every metric other than the ranking one, over the same ok seeds.
    public var otherMetrics: [String: MetricSummary]

    /// The value of one hyperparameter, for table columns.
    public func value(of name: String) -> HyperparameterValue? {
        hyperparameters.first { $0.name == name }?.value
    }
}
