extension Figures {
    /// Above this many iterations the raw curve is drawn through bucket means with a min/max band.
    public static let lossPointLimit = 2000

    /// `loss.svg`: the loss per iteration and its trailing moving average, legend, grid. Non-finite
    /// values are skipped (the line breaks there). Long histories are downsampled deterministically:
    /// `lossPointLimit / 2` equal buckets, each drawn as its mean, with a band from its min to max.
    /// The y range covers the 1st–99th percentile of the raw losses and the whole moving average,
    /// so one early spike does not flatten the curve.
    public static func lossFigure(history: [Double], movingAverageWindow: Int = 10,
                                  title: String = "Training loss") -> String {
        precondition(movingAverageWindow >= 1, "window must be at least 1")
        let average = movingAverage(history, window: movingAverageWindow)
        let raw = Percentile.range(history, low: 1, high: 99)
        let smooth = Percentile.range(average, low: 0, high: 100)
        var yRange = 0.0...1.0
        if let raw, let smooth {
            yRange = min(raw.lowerBound, smooth.lowerBound)...max(raw.upperBound, smooth.upperBound)
        } else if let r = raw ?? smooth {
            yRange = r
        }
        // Both ranges are displayable (finite, within ±1e300), so the padded one is too.
        let pad = (yRange.upperBound - yRange.lowerBound) * 0.05
        yRange = (yRange.lowerBound - pad)...(yRange.upperBound + pad)
        let xRange = 0.0...Double(max(history.count - 1, 1))
        var plot = SVGPlot(width: 640, height: 400, xRange: xRange, yRange: yRange, showGrid: true,
                           title: title, xLabel: "iteration", yLabel: "loss")
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
