import Sweep

/// Which configurations are not significantly worse than the best one (docs/design.md, "Statistics").
///
/// The best is the first ranked configuration with an ok seed. Every other configuration with at
/// least two ok seeds is tested against it, one-sided (H₁: it is worse in the metric's direction):
/// a paired t-test on the per-seed differences when both finished the same seeds (a seed fixes the
/// data draw and the initialisation, so pairing removes that shared noise), else Welch's t-test.
/// The p-values are corrected for the number of comparisons m by Holm's step-down method; a
/// configuration whose corrected p is at least α is "tied with the best". Caveat: the best was
/// chosen by the same data, so its lead is optimistic (the winner's curse); ties err towards more ties.
public struct BestComparison: Sendable, Equatable {
    public static let alpha = 0.05

    public enum Test: Sendable, Equatable {
        /// Paired over `seeds` common seeds: ν = seeds − 1.
        case paired(seeds: Int)
        /// Welch's unequal-variance test with Welch–Satterthwaite degrees of freedom.
        case welch(degrees: Double)
    }

    public enum Verdict: Sendable, Equatable {
        case best
        /// Corrected p ≥ α: the data cannot tell it from the best.
        case tied
        /// Corrected p < α.
        case worse
        /// Not tested: fewer than two ok seeds (here or in the best), or none at all.
        case untested
    }

    public struct Entry: Sendable, Equatable {
        public var verdict: Verdict
        public var test: Test?
        /// The t statistic, positive when this configuration is worse.
        public var statistic: Double?
        /// One-sided p before and after Holm's correction.
        public var p: Double?
        public var adjustedP: Double?
    }

    public var bestID: String?
    /// By configuration id.
    public var entries: [String: Entry]
    /// m: how many configurations were tested against the best.
    public var comparisons: Int

    /// Precondition: configuration ids are unique.
    public init(configurations: [ConfigurationResults], metric: RankingMetric) {
        let ranked = configurations.sorted { $0.rank < $1.rank }
        let best = ranked.first { $0.okCount > 0 }
        bestID = best?.configID
        var entries: [String: Entry] = [:]
        var tested: [(id: String, p: Double)] = []
        for c in ranked {
            precondition(entries[c.configID] == nil, "configuration ids must be unique")
            guard let best, c.configID != best.configID else {
                entries[c.configID] = Entry(verdict: c.configID == best?.configID ? .best : .untested)
                continue
            }
            guard let (test, statistic, p) = Self.test(c, against: best, higherIsBetter: metric.higherIsBetter) else {
                entries[c.configID] = Entry(verdict: .untested)
                continue
            }
            entries[c.configID] = Entry(verdict: .untested, test: test, statistic: statistic, p: p)
            tested.append((c.configID, p))
        }
        for (id, adjusted) in Self.holm(tested) {
            entries[id]?.adjustedP = adjusted
            entries[id]?.verdict = adjusted < Self.alpha ? .worse : .tied
        }
        self.entries = entries
        comparisons = tested.count
    }

    /// Paired when both have the same ok seeds, else Welch; nil with fewer than two values on a side.
    static func test(_ c: ConfigurationResults, against best: ConfigurationResults,
                     higherIsBetter: Bool) -> (Test, Double, Double)? {
        let sign = higherIsBetter ? -1.0 : 1.0
        guard c.okCount >= 2, best.okCount >= 2 else { return nil }
        if Set(c.metricBySeed.keys) == Set(best.metricBySeed.keys) {
            let differences = c.metricBySeed.keys.sorted().compactMap { seed in
                c.metricBySeed[seed].flatMap { a in best.metricBySeed[seed].map { sign * (a - $0) } }
            }
            guard let s = SeedSummary(differences) else { return nil }
            let n = s.count
            if s.sd == 0 {
                let (t, p) = noSpread(s.mean)
                return (.paired(seeds: n), t, p)
            }
            let t = s.mean / (s.sd / Double(n).squareRoot())
            return (.paired(seeds: n), t, StudentT(degrees: Double(n - 1)).upperTail(t))
        }
        guard let a = c.summary, let b = best.summary else { return nil }
        let va = a.sd * a.sd / Double(a.count), vb = b.sd * b.sd / Double(b.count)
        let difference = sign * (a.mean - b.mean)
        guard va + vb > 0 else {
            let (t, p) = noSpread(difference)
            return (.welch(degrees: Double(a.count + b.count - 2)), t, p)
        }
        let t = difference / (va + vb).squareRoot()
        let degrees = (va + vb) * (va + vb) / (va * va / Double(a.count - 1) + vb * vb / Double(b.count - 1))
        // Spreads near Double's limits overflow the formula: no test rather than a meaningless one.
        guard degrees.isFinite, degrees > 0, !t.isNaN else { return nil }
        return (.welch(degrees: degrees), t, StudentT(degrees: degrees).upperTail(t))
    }

    /// Without spread the difference's sign decides: worse (t = ∞, p = 0), else p = 1.
    static func noSpread(_ difference: Double) -> (t: Double, p: Double) {
        difference > 0 ? (.infinity, 0) : (difference < 0 ? -.infinity : 0, 1)
    }

    /// Holm's step-down adjustment: sorted ascending, p₍ᵢ₎ · (m − i + 1), made monotone, capped at 1.
    static func holm(_ tests: [(id: String, p: Double)]) -> [(String, Double)] {
        let sorted = tests.sorted { $0.p == $1.p ? $0.id < $1.id : $0.p < $1.p }
        var running = 0.0
        return sorted.enumerated().map { i, entry in
            running = max(running, min(1, Double(sorted.count - i) * entry.p))
            return (entry.id, running)
        }
    }

    /// The best and the configurations tied with it, in rank order, at most `limit` in all: the
    /// ones racing gives more seeds (docs/design.md, "Racing"). Empty without a best; the best alone
    /// when nothing is tied with it.
    public func rivals(in configurations: [ConfigurationResults], limit: Int) -> [String] {
        guard let bestID else { return [] }
        let tied = configurations.sorted { $0.rank < $1.rank }.map(\.configID).filter { entries[$0]?.verdict == .tied }
        return Array(([bestID] + tied).prefix(max(1, limit)))
    }

    /// One sentence for captions and the report: the test, the correction, m and α.
    public var method: String {
        "tied: not significantly worse than the best (one-sided t-test per configuration, paired by seed "
            + "where the seeds match, else Welch; Holm correction over \(comparisons) comparison\(comparisons == 1 ? "" : "s"), α = 0.05)"
    }
}
