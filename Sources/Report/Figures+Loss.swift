import Sweep

extension Figures {
    /// Above this many iterations the raw curve is drawn through bucket means with a min/max band.
    public static let lossPointLimit = 2000

    /// `loss.svg`: the loss per iteration and its trailing moving average, legend, grid. Non-finite
    /// values are skipped (the line breaks there). Long histories are downsampled deterministically:
    /// `lossPointLimit / 2` equal buckets, each drawn as its mean, with a band from its min to max.
    /// The y axis shows the whole curve, or, when a few spikes would flatten it, the 1st–99th
    /// percentile and the whole moving average, and says so above the plot (`lossAxis`).
    public static func lossFigure(history: [Double], movingAverageWindow: Int = 10,
                                  title: String = "Training loss") -> String {
        precondition(movingAverageWindow >= 1, "window must be at least 1")
        let average = movingAverage(history, window: movingAverageWindow)
        let axis = lossAxis(raw: history, smooth: average)
        let yRange = axis.range
        let xRange = 0.0...Double(max(history.count - 1, 1))
        var plot = SVGPlot(width: 640, height: 400, xRange: xRange, yRange: yRange, showGrid: true,
                           title: title, xLabel: "iteration", yLabel: "loss")
        plot.note = axis.note
        if history.count > lossPointLimit {
            let buckets = bucketed(history, count: lossPointLimit / 2)
            plot.addBand(xs: buckets.xs, lower: buckets.min, upper: buckets.max, color: dataColor, opacity: 0.25,
                         label: "loss (min–max per \(buckets.size) it.)")
            plot.addLine(xs: buckets.xs, ys: buckets.mean, color: dataColor, lineWidth: 1, opacity: 0.8,
                         label: "loss (bucket mean)")
            let smoothBuckets = bucketed(average, count: lossPointLimit / 2)
            plot.addLine(xs: smoothBuckets.xs, ys: smoothBuckets.mean, color: sampleColor, lineWidth: 2,
                         label: "moving average (\(movingAverageWindow))")
        } else {
            let xs = history.indices.map(Double.init)
            plot.addLine(xs: xs, ys: history, color: dataColor, lineWidth: 1, opacity: 0.7, label: "loss")
            plot.addLine(xs: xs, ys: average, color: sampleColor, lineWidth: 2,
                         label: "moving average (\(movingAverageWindow))")
        }
        return plot.render()
    }

    /// Losses beyond the 1st–99th percentile by more than this share of that range are spikes, not
    /// the curve's own start or end.
    static let lossTailShare = 0.5

    /// The y range of loss curves (`raw` values and the `smooth` curves drawn over them): all finite
    /// values, except spikes (beyond the 1st–99th percentile by `lossTailShare` of it): the axis ends at
    /// the last value that is not one (never cutting into `smooth`), and a note names the cut and
    /// what falls beyond it. Padded by 5 % either side.
    public static func lossAxis(raw: [Double], smooth: [Double] = []) -> (range: ClosedRange<Double>, note: String) {
        let finite = (raw + smooth).filter(\.isFinite)
        guard var low = finite.min(), var high = finite.max() else { return (-0.05...1.05, "") }
        (low, high) = (max(low, -Percentile.displayLimit), min(high, Percentile.displayLimit))
        var cuts: [String] = []
        func text(_ v: Double) -> String { NumberText.significant(v, digits: 3) }
        if let core = Percentile.range(raw, low: 1, high: 99), core.upperBound > core.lowerBound {
            let reach = (core.upperBound - core.lowerBound) * lossTailShare
            let smoothRange = Percentile.range(smooth, low: 0, high: 100)
            let values = raw.filter(\.isFinite)
            if core.upperBound + reach < high {
                // Cut just above the highest value that is not a spike, so the curve itself stays whole.
                let kept = values.filter { $0 <= core.upperBound + reach }.max() ?? core.upperBound
                let cut = max(kept, smoothRange?.upperBound ?? kept)
                let beyond = raw.filter { $0.isFinite && $0 > cut }.count
                if beyond > 0 { cuts.append("cut at \(text(cut)): \(beyond) above, up to \(text(high))") }
                high = cut
            }
            if core.lowerBound - reach > low {
                let kept = values.filter { $0 >= core.lowerBound - reach }.min() ?? core.lowerBound
                let cut = min(kept, smoothRange?.lowerBound ?? kept)
                let beyond = raw.filter { $0.isFinite && $0 < cut }.count
                if beyond > 0 { cuts.append("cut at \(text(cut)): \(beyond) below, down to \(text(low))") }
                low = cut
            }
        }
        // Displayable (finite, within ±1e300, a width ticks can divide), so the padded range is too.
        let shown = Percentile.displayable(low, high)
        let pad = (shown.upperBound - shown.lowerBound) * 0.05
        return ((shown.lowerBound - pad)...(shown.upperBound + pad), cuts.isEmpty ? "" : "loss axis " + cuts.joined(separator: "; ") + " (not shown)")
    }

    /// Trailing mean of the finite values among the last `window` entries (NaN where there is none).
    public static func movingAverage(_ values: [Double], window: Int) -> [Double] {
        precondition(window >= 1, "window must be at least 1")
        var out = [Double](repeating: .nan, count: values.count)
        var sum = 0.0, count = 0
        for i in values.indices {
            if values[i].isFinite { sum += values[i]; count += 1 }
            if i >= window, values[i - window].isFinite { sum -= values[i - window]; count -= 1 }
            if count > 0 { out[i] = sum / Double(count) }
        }
        return out
    }

    /// Equal consecutive buckets (the last may be shorter) of the finite values: centre iteration,
    /// mean, min, max (NaN for a bucket with no finite value).
    static func bucketed(_ values: [Double], count: Int)
        -> (xs: [Double], mean: [Double], min: [Double], max: [Double], size: Int) {
        let size = (values.count + count - 1) / count
        var xs: [Double] = [], mean: [Double] = [], lo: [Double] = [], hi: [Double] = []
        var start = 0
        while start < values.count {
            let end = Swift.min(start + size, values.count)
            let finite = values[start..<end].filter(\.isFinite)
            xs.append(Double(start + end - 1) / 2)
            if finite.isEmpty {
                mean.append(.nan); lo.append(.nan); hi.append(.nan)
            } else {
                mean.append(finite.reduce(0, +) / Double(finite.count))
                lo.append(finite.min() ?? .nan)
                hi.append(finite.max() ?? .nan)
            }
            start = end
        }
        return (xs, mean, lo, hi, size)
    }
}
