/// Order statistics for robust colour and axis ranges.
enum Percentile {
    /// The `p`-th percentile (0...100) of the finite values, linear interpolation between order
    /// statistics (NumPy's default); nil when no value is finite.
    static func of(_ values: [Double], _ p: Double) -> Double? {
        let sorted = values.filter(\.isFinite).sorted()
        return of(sorted: sorted, p)
    }

    /// As `of`, for values already filtered and sorted ascending.
    static func of(sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let position = min(max(p, 0), 100) / 100 * Double(sorted.count - 1)
        let lo = Int(position.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        let w = position - Double(lo)
        return sorted[lo] + (sorted[hi] - sorted[lo]) * w
    }

    /// A range [lower, upper] of the finite values at percentiles (pLow, pHigh), widened to a
    /// positive width when all values agree; nil when no value is finite.
    static func range(_ values: [Double], low pLow: Double, high pHigh: Double) -> ClosedRange<Double>? {
        let sorted = values.filter(\.isFinite).sorted()
        guard let lo = of(sorted: sorted, pLow), let hi = of(sorted: sorted, pHigh) else { return nil }
        return widened(lo...hi)
    }

    /// A degenerate range becomes ±max(1e-9, 1 % of |value|) around its value.
    static func widened(_ r: ClosedRange<Double>) -> ClosedRange<Double> {
        if r.upperBound > r.lowerBound { return r }
        let pad = max(1e-9, abs(r.lowerBound) * 0.01)
        return (r.lowerBound - pad)...(r.upperBound + pad)
    }
}
