import Sweep

/// The one rule that turns any pair of numbers into a range a plot can draw.
extension Percentile {
    /// A drawable range [lower, upper] of the finite values at percentiles (pLow, pHigh); nil when
    /// no value is finite.
    static func range(_ values: [Double], low pLow: Double, high pHigh: Double) -> ClosedRange<Double>? {
        let sorted = values.filter(\.isFinite).sorted()
        guard let lo = of(sorted: sorted, pLow), let hi = of(sorted: sorted, pHigh) else { return nil }
        return displayable(lo, hi)
    }

    /// Magnitudes beyond this are drawn at it: no figure can show 1e300 and 1e308 apart, and the
    /// bound keeps every width, pad and sum of two ends finite.
    static let displayLimit = 1e300

    /// The range a plot shows for data spanning `lower`...`upper`, for ANY two doubles: finite ends
    /// within ±1.01 × `displayLimit` and a positive width that tick arithmetic can divide.
    /// NaN counts as 0, infinities and larger magnitudes as ±`displayLimit`. A width below 1e-12
    /// of the ends' magnitude or below 1e-290 (a subnormal width made the loss plot's tick step 0,
    /// see docs/design.md) is treated as a constant value v and becomes v ± max(1e-9, 1 % of |v|).
    static func displayable(_ lower: Double, _ upper: Double) -> ClosedRange<Double> {
        func clamped(_ v: Double) -> Double { v.isNaN ? 0 : min(max(v, -displayLimit), displayLimit) }
        var lo = clamped(lower), hi = clamped(upper)
        if lo > hi { swap(&lo, &hi) }
        if hi - lo > max(1e-12 * max(abs(lo), abs(hi)), 1e-290) { return lo...hi }
        let centre = lo / 2 + hi / 2
        let pad = max(1e-9, abs(centre) * 0.01)
        return (centre - pad)...(centre + pad)
    }
}
