/// Every value reported at one rung, grouped by unit (a configuration for the seed-aware rules,
/// a job otherwise), in "loss" orientation: lower is better whatever the metric.
struct RungRecord: Sendable, Equatable {
    private(set) var values: [String: [Double]] = [:]
    /// Per unit, the job each of its values came from (same order as `values`).
    private var reporters: [String: [String]] = [:]
    /// Units in the order they first reported here, so every scan is deterministic.
    private(set) var units: [String] = []

    /// Adds job `job`'s value to `unit` (a job judged alone is its own unit: `job` nil).
    mutating func add(_ value: Double, unit: String, job: String? = nil) {
        if values[unit] == nil { units.append(unit) }
        values[unit, default: []].append(value)
        reporters[unit, default: []].append(job ?? unit)
    }

    /// Takes job `job`'s value out of `unit` (a run that ended diverged no longer sets thresholds);
    /// a unit left without values leaves the rung.
    mutating func remove(job: String, unit: String) {
        guard let jobs = reporters[unit], let i = jobs.firstIndex(of: job) else { return }
        reporters[unit]?.remove(at: i)
        values[unit]?.remove(at: i)
        if values[unit]?.isEmpty == true { remove(unit: unit) }
    }

    /// Takes every value of `unit` out of the rung.
    mutating func remove(unit: String) {
        values[unit] = nil
        reporters[unit] = nil
        units.removeAll { $0 == unit }
    }

    func count(of unit: String) -> Int { values[unit]?.count ?? 0 }

    func mean(of unit: String) -> Double? {
        guard let v = values[unit], !v.isEmpty else { return nil }
        return v.reduce(0, +) / Double(v.count)
    }

    /// The sample variance (n − 1) of the unit's values; nil below two values.
    func variance(of unit: String) -> Double? {
        guard let v = values[unit], v.count >= 2, let m = mean(of: unit) else { return nil }
        return v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)
    }

    /// The within-unit variance pooled over every unit with two values or more,
    /// Σ(nᵢ − 1)sᵢ² / Σ(nᵢ − 1), and its degrees of freedom Σ(nᵢ − 1); nil when no unit has two.
    func pooledVariance() -> (variance: Double, degreesOfFreedom: Int)? {
        var sum = 0.0, df = 0
        for unit in units {
            guard let s2 = variance(of: unit), let n = values[unit]?.count else { continue }
            sum += Double(n - 1) * s2
            df += n - 1
        }
        return df > 0 ? (sum / Double(df), df) : nil
    }

    /// One-sided lower confidence bound on the unit's true mean (in loss orientation, so an
    /// optimistic one): mean − t(confidence, ν)·σ/√n.
    ///
    /// σ is the larger of the unit's own seed spread and the spread pooled over the rung: its own
    /// protects a configuration with one bad seed (its spread is wide, so is the bound), the pooled
    /// one a configuration whose two seeds agree by chance. ν is the degrees of freedom of the
    /// spread chosen. Without any spread estimate (one value, nothing pooled) the bound is −∞:
    /// a single seed cannot tell a bad configuration from a bad seed.
    func lowerBound(of unit: String, confidence: Double) -> Double? {
        guard let m = mean(of: unit), let n = values[unit]?.count else { return nil }
        let own = variance(of: unit).map { (variance: $0, degreesOfFreedom: n - 1) }
        let spread: (variance: Double, degreesOfFreedom: Int)?
        switch (own, pooledVariance()) {
        case let (o?, p?): spread = o.variance >= p.variance ? o : p
        case let (o?, nil): spread = o
        case let (nil, p?): spread = p
        case (nil, nil): spread = nil
        }
        guard let spread else { return -.infinity }
        let t = StudentT(degrees: Double(spread.degreesOfFreedom)).quantile(confidence)
        return m - t * (spread.variance / Double(n)).squareRoot()
    }
}
