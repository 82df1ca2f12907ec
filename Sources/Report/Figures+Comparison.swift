import EBMCore
import Sweep

extension Figures {
    static let seedColor = "#1f77b4"
    static let bestColor = "#d95f02"

    /// `metric-vs-<name>.svg`: the ranking metric against one swept hyperparameter. Every ok seed is a
    /// dot; each configuration with that value stands beside the others (dodged), its mean ± sd over
    /// seeds as a bar; the best and the configurations tied with it are orange; a dashed line joins
    /// the mean over each value's configurations without a diverged seed (the main effect). Log axis
    /// for log-spaced values.
    public static func metricVersusHyperparameter(_ name: String, configurations: [ConfigurationResults],
                                                  metric: RankingMetric, comparison: BestComparison? = nil) -> String? {
        let shown = configurations.filter { $0.okCount > 0 && $0.values[name] != nil }
        guard !shown.isEmpty else { return nil }
        let axis = ValueAxis(name: name, values: shown.map { $0.values[name] })
        let values = shown.flatMap(\.metricValues) + shown.compactMap { $0.summary.map { [$0.mean - $0.sd, $0.mean + $0.sd] } }.flatMap { $0 }
        let legendRows = comparison == nil ? 2 : 3
        var plot = SVGPlot(width: 560, height: 400, xRange: axis.range,
                           yRange: withHeadroom(paddedRange(values, by: 0.08), legendRows: legendRows, plotHeight: 316),
                           showGrid: true, title: "\(metric.rawValue) against \(name)", xLabel: axis.label,
                           yLabel: "\(metric.rawValue) (\(metric.higherIsBetter ? "higher" : "lower") is better)")
        plot.xTicks = axis.ticks
        let hidden = configurations.count - shown.count
        if hidden > 0 { plot.note = "\(hidden) configuration\(hidden == 1 ? "" : "s") without an ok seed not shown" }
        let width = 0.6 * axis.minimumGap
        var groupMeans: [(x: Double, y: Double)] = []
        for value in axis.values {
            guard let x0 = axis.position(value) else { continue }
            let group = shown.filter { $0.values[name] == value }.sorted { $0.rank < $1.rank }
            for (i, c) in group.enumerated() {
                guard let s = c.summary else { continue }
                let x = x0 + (Double(i) + 0.5) / Double(group.count) * width - width / 2
                let highlighted = comparison.map { [.best, .tied].contains($0.entries[c.configID]?.verdict) } ?? false
                let color = highlighted ? bestColor : seedColor
                plot.addLine(xs: [x, x], ys: [s.mean - s.sd, s.mean + s.sd], color: color, lineWidth: 1.5, opacity: 0.8)
                let tick = width / Double(group.count) * 0.35
                plot.addLine(xs: [x - tick, x + tick], ys: [s.mean, s.mean], color: color, lineWidth: 2.5)
                var points = Matrix(rows: c.okCount, columns: 2)
                for (r, v) in c.metricValues.enumerated() {
                    points[r, 0] = x
                    points[r, 1] = v
                }
                plot.addPoints(points, color: color, radius: 2.6, opacity: 0.55)
            }
            // Only configurations whose every seed trained: a configuration with a diverged seed
            // ranks last whatever its survivors scored, and its survivors' mean would flatter it.
            let means = group.filter { $0.diverged == 0 }.compactMap { $0.summary?.mean }
            if !means.isEmpty { groupMeans.append((x0, means.reduce(0, +) / Double(means.count))) }
        }
        plot.addLine(xs: groupMeans.map(\.x), ys: groupMeans.map(\.y), color: "#555555", lineWidth: 1.2, dashed: true,
                     label: "mean over the value's configurations (no seed diverged)")
        // Legend-only entries (no points): what the colours mean.
        plot.addLine(xs: [], ys: [], color: seedColor, lineWidth: 2.5, label: "configuration: mean ± sd, seeds as dots")
        if comparison != nil { plot.addLine(xs: [], ys: [], color: bestColor, lineWidth: 2.5, label: "best and tied with it") }
        return plot.render()
    }

    /// `heatmap.svg`: the metric over two hyperparameters' values, each cell the mean of its
    /// configurations' means (so averaged over the other swept hyperparameters), its value printed;
    /// grey where no configuration has an ok seed. Nil when either has too many values to grid.
    public static func metricHeatMap(x xName: String, y yName: String, configurations: [ConfigurationResults],
                                     metric: RankingMetric) -> String? {
        let xAxis = ValueAxis(name: xName, values: configurations.map { $0.values[xName] })
        let yAxis = ValueAxis(name: yName, values: configurations.map { $0.values[yName] })
        let (nx, ny) = (xAxis.values.count, yAxis.values.count)
        guard nx <= ValueAxis.maxValueTicks, ny <= ValueAxis.maxValueTicks else { return nil }
        var cells = [Double](repeating: .nan, count: nx * ny)
        for (j, vy) in yAxis.values.enumerated() {
            for (i, vx) in xAxis.values.enumerated() {
                let means = configurations.filter { $0.values[xName] == vx && $0.values[yName] == vy }.compactMap { $0.summary?.mean }
                if !means.isEmpty { cells[j * nx + i] = means.reduce(0, +) / Double(means.count) }
            }
        }
        let finite = cells.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return nil }
        let range = Percentile.displayable(low, high)
        let xRange = -0.5...(Double(nx) - 0.5), yRange = -0.5...(Double(ny) - 0.5)
        var plot = SVGPlot(width: 260 + 120 * Double(nx), height: 140 + 70 * Double(ny), xRange: xRange, yRange: yRange,
                           title: "\(metric.rawValue) over \(xName) × \(yName)", xLabel: xName, yLabel: yName)
        // Cells as filled polygons (bands), not a stretched bitmap: viewers would blur a 2×2 image.
        for j in 0..<ny {
            for i in 0..<nx {
                let v = cells[j * nx + i]
                let color = v.isFinite ? ColorMap.viridis.color(at: (v - range.lowerBound) / (range.upperBound - range.lowerBound)).hex
                                       : "#d0d0d0"
                let (x, y) = (Double(i), Double(j))
                plot.addBand(xs: [x - 0.5, x + 0.5], lower: [y - 0.5, y - 0.5], upper: [y + 0.5, y + 0.5], color: color, opacity: 1)
            }
        }
        plot.xTicks = zip(0..., ValueAxis.labels(xAxis.values)).map { SVGPlot.Tick(value: Double($0), label: $1) }
        plot.yTicks = zip(0..., ValueAxis.labels(yAxis.values)).map { SVGPlot.Tick(value: Double($0), label: $1) }
        let decimals = ColumnFormat.meanDecimals(finite.map { ($0, 0) })
        for j in 0..<ny {
            for i in 0..<nx {
                let v = cells[j * nx + i]
                let t = v.isFinite ? (v - range.lowerBound) / (range.upperBound - range.lowerBound) : 1
                plot.addText(v.isFinite ? ColumnFormat.fixed(v, decimals) : "–", x: Double(i), y: Double(j),
                             color: t < 0.6 ? "#ffffff" : "#111111", size: 12)
            }
        }
        plot.setColorBar(colorMap: .viridis, range: range, label: "\(metric.rawValue), mean over seeds and the rest")
        return plot.render()
    }

    /// `range` raised at the top so a legend of `legendRows` rows in the top-right corner (18 px a
    /// row plus its box) sits above the data instead of on it.
    static func withHeadroom(_ range: ClosedRange<Double>, legendRows: Int, plotHeight: Double) -> ClosedRange<Double> {
        let share = min(0.5, (Double(legendRows) * 18 + 24) / plotHeight)
        let raised = range.upperBound + (range.upperBound - range.lowerBound) * share / (1 - share)
        return raised.isFinite && raised > range.lowerBound ? range.lowerBound...raised : range
    }

    /// The finite values' range, made displayable (docs/design.md, "Figures"), widened by `share`
    /// of its width each side.
    static func paddedRange(_ values: [Double], by share: Double) -> ClosedRange<Double> {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return 0...1 }
        let shown = Percentile.displayable(low, high)
        let pad = (shown.upperBound - shown.lowerBound) * share
        return (shown.lowerBound - pad)...(shown.upperBound + pad)
    }
}
