/// Order statistics: the pruners' thresholds and the report's robust colour and axis ranges
/// (Report extends it with the ranges a plot can draw).
public enum Percentile {
    /// The `p`-th percentile (0...100) of the finite values, linear interpolation between order
    /// statistics (NumPy's default); nil when no value is finite.
    public static func of(_ values: [Double], _ p: Double) -> Double? {
        let sorted = values.filter(\.isFinite).sorted()
        return of(sorted: sorted, p)
    }

    /// As `of`, for values already filtered and sorted ascending. Always finite: between two
    /// order statistics so far apart that their difference overflows (−1e308 and 1e308) it
    /// interpolates each end separately.
    public static func of(sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let position = (p.isNaN ? 0 : min(max(p, 0), 100)) / 100 * Double(sorted.count - 1)
        let lo = Int(position.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        let w = position - Double(lo)
        let a = sorted[lo], b = sorted[hi]
        let difference = b - a
        let value = difference.isFinite ? a + difference * w : a * (1 - w) + b * w
        return min(max(value, a), b)
    }
}
