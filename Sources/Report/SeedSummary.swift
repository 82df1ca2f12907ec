import Sweep

/// One configuration's ranking metric over its ok seeds: n, mean, sample standard deviation and a
/// 95 % Student-t interval for the mean, mean ± t(0.975, n − 1) · sd / √n (docs/design.md, "Statistics").
///
/// The t interval assumes the seeds' values are roughly normal; with 3–5 seeds nothing better is
/// available (a bootstrap over 3 values has only 10 distinct resamples).
public struct SeedSummary: Sendable, Equatable {
    /// Confidence level of `interval`.
    public static let confidence = 0.95

    public var count: Int
    public var mean: Double
    /// Sample standard deviation (n − 1); 0 for a single value.
    public var sd: Double
    /// nil below two values: one seed says nothing about the spread.
    public var interval: ClosedRange<Double>?

    /// The summary of the finite values, nil when there are none.
    public init?(_ values: [Double]) {
        let v = values.filter(\.isFinite)
        guard !v.isEmpty else { return nil }
        count = v.count
        // Sums of scaled terms: values near ±Double.greatestFiniteMagnitude must not overflow to ±inf.
        let n = Double(v.count)
        let mean = v.reduce(0) { $0 + $1 / n }
        self.mean = mean
        let ss = v.reduce(0) { $0 + (($1 - mean) / n) * ($1 - mean) }
        sd = v.count > 1 ? (ss * n / Double(v.count - 1)).squareRoot() : 0
        interval = nil
        if v.count > 1 {
            let t = StudentT(degrees: Double(v.count - 1)).quantile(0.5 + Self.confidence / 2)
            let half = t * sd / n.squareRoot()
            // A spread that overflows leaves no interval rather than an infinite or NaN one.
            if (mean - half).isFinite && (mean + half).isFinite { interval = (mean - half)...(mean + half) }
        }
    }
}
