/// Central finite differences against analytic gradients, in Double (tinygrad's split: the
/// analytic side is the code under test, the numeric side only calls the forward function).
///
/// n_i = (f(θ + h·e_i) − f(θ − h·e_i)) / 2h, truncation error O(h²·f‴) and rounding error
/// O(ε·|f|/h); h = 1e-5 balances them for O(1) values in Double (error ≈ 1e-10 relative).
public enum GradientCheck {
    /// The documented default step.
    public static let defaultStep = 1e-5

    /// The outcome of one check: the worst relative error and where it occurred.
    public struct Report: CustomStringConvertible, Sendable {
        public var worstError: Double
        public var worstIndex: Int
        public var analytic: Double
        public var numeric: Double
        public var checked: Int
        public var description: String {
            "worst relative error \(worstError) at index \(worstIndex) (analytic \(analytic), numeric \(numeric)) over \(checked) entries"
        }
    }

    /// |a − n| / max(|a|, |n|, floor): relative for ordinary values, absolute below `floor`
    /// (1e-8 by default).
    public static func relativeError(_ a: Double, _ n: Double, floor: Double = 1e-8) -> Double {
        abs(a - n) / max(abs(a), abs(n), floor)
    }

    /// Central differences of `f` at `x` in every coordinate (or at `indices`).
    public static func numericGradient(of f: ([Double]) -> Double, at x: [Double], step h: Double = defaultStep,
                                       indices: [Int]? = nil) -> [Int: Double] {
        var result: [Int: Double] = [:]
        var probe = x
        for i in indices ?? Array(x.indices) {
            let saved = probe[i]
            probe[i] = saved + h
            let up = f(probe)
            probe[i] = saved - h
            let down = f(probe)
            probe[i] = saved
            result[i] = (up - down) / (2 * h)
        }
        return result
    }

    /// Compares `analytic` with central differences of `f` at `x`, over `indices` (all by default).
    /// `floor` is the denominator's lower bound (see `relativeError`); whole-network checks raise it
    /// to `Tolerance.networkFloor` because the quotient's rounding noise swamps tiny entries.
    public static func compare(analytic: [Double], of f: ([Double]) -> Double, at x: [Double],
                               step h: Double = defaultStep, indices: [Int]? = nil, floor: Double = 1e-8) -> Report {
        precondition(analytic.count == x.count, "analytic gradient has the wrong length")
        let numeric = numericGradient(of: f, at: x, step: h, indices: indices)
        var report = Report(worstError: 0, worstIndex: -1, analytic: 0, numeric: 0, checked: numeric.count)
        for (i, n) in numeric.sorted(by: { $0.key < $1.key }) {
            let e = relativeError(analytic[i], n, floor: floor)
            if e > report.worstError || report.worstIndex < 0 {
                report.worstError = e; report.worstIndex = i
                report.analytic = analytic[i]; report.numeric = n
            }
        }
        return report
    }

    /// A deterministic spread of `count` indices out of 0..<total (all of them when count ≥ total),
    /// always including the first and last: large parameter vectors are checked on a sample.
    public static func sampleIndices(total: Int, count: Int) -> [Int] {
        guard count < total else { return Array(0..<total) }
        var set = Set<Int>([0, total - 1])
        var i = 0
        while set.count < count {
            set.insert((i &* 2_654_435_761) % total)
            i += 1
        }
        return set.sorted()
    }
}
