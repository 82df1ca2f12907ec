import EBMCore

extension Figures {
    /// Ten distinguishable line colours (matplotlib's tab10).
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    /// One configuration's training losses, one history per seed.
    public struct LossCurves: Sendable {
        public var label: String
        public var histories: [[Double]]

        public init(label: String, histories: [[Double]]) {
            self.label = label
            self.histories = histories
        }
    }

    /// `loss-top.svg`: the top configurations' training loss overlaid, each as the mean over its
    /// seeds per iteration with a band from the lowest to the highest seed; long runs are bucketed
    /// like `lossFigure`. The y axis shows the whole of every curve or says where it clips (`lossAxis`).
    public static func lossComparison(_ curves: [LossCurves], title: String = "Training loss of the best configurations") -> String? {
        let length = curves.flatMap(\.histories).map(\.count).max() ?? 0
        guard length > 0 else { return nil }
        var plot = SVGPlot(width: 720, height: 420, xRange: 0...Double(max(length - 1, 1)), yRange: 0...1, showGrid: true,
                           title: title, xLabel: "iteration", yLabel: "loss (mean over seeds)")
        var all: [Double] = [], means: [Double] = []
        for (k, curve) in curves.enumerated() {
            let stats = perIteration(curve.histories, length: length)
            all += curve.histories.flatMap { $0 }
            means += stats.mean
            let color = palette[k % palette.count]
            let xs = (0..<length).map(Double.init)
            if length > lossPointLimit {
                let count = lossPointLimit / 2
                let (low, mean, high) = (bucketed(stats.low, count: count), bucketed(stats.mean, count: count), bucketed(stats.high, count: count))
                plot.addBand(xs: low.xs, lower: low.min, upper: high.max, color: color, opacity: 0.15)
                plot.addLine(xs: mean.xs, ys: mean.mean, color: color, lineWidth: 1.8, label: curve.label)
            } else {
                plot.addBand(xs: xs, lower: stats.low, upper: stats.high, color: color, opacity: 0.15)
                plot.addLine(xs: xs, ys: stats.mean, color: color, lineWidth: 1.8, label: curve.label)
            }
        }
        // The seeds' means count as raw values too: a spike every seed shares is still a spike.
        let axis = lossAxis(raw: all + means)
        plot.yRange = withHeadroom(axis.range, legendRows: curves.count, plotHeight: 320)
        plot.note = axis.note
        return plot.render()
    }

    /// Per iteration over the seeds' finite values: mean, lowest, highest (NaN where none).
    static func perIteration(_ histories: [[Double]], length: Int) -> (mean: [Double], low: [Double], high: [Double]) {
        var mean = [Double](repeating: .nan, count: length), low = mean, high = mean
        for i in 0..<length {
            let values = histories.compactMap { i < $0.count && $0[i].isFinite ? $0[i] : nil }
            guard !values.isEmpty else { continue }
            mean[i] = values.reduce(0, +) / Double(values.count)
            low[i] = values.min() ?? .nan
            high[i] = values.max() ?? .nan
        }
        return (mean, low, high)
    }

    /// One configuration's intermediate metric during training (successive halving evaluates
    /// configurations at rungs and stops the worse ones).
    public struct IntermediateCurve: Sendable {
        public var label: String
        public var iterations: [Int]
        public var values: [Double]
        /// Stopped early: drawn grey, ending where it stopped.
        public var stopped: Bool

        public init(label: String, iterations: [Int], values: [Double], stopped: Bool) {
            self.label = label
            self.iterations = iterations
            self.values = values
            self.stopped = stopped
        }
    }

    /// `intermediate.svg`: the intermediate metric of every configuration against iterations, the
    /// successive-halving picture: survivors in colour, stopped configurations grey, each point a
    /// rung's evaluation. Nil without curves (no early stopping in this sweep).
    public static func intermediateMetricFigure(_ curves: [IntermediateCurve], metric: String) -> String? {
        let points = curves.flatMap { zip($0.iterations, $0.values).filter { $0.1.isFinite } }
        guard let last = points.map(\.0).max() else { return nil }
        var plot = SVGPlot(width: 720, height: 420, xRange: 0...Double(max(last, 1)), yRange: paddedRange(points.map(\.1), by: 0.08),
                           showGrid: true, title: "\(metric) during training (successive halving)", xLabel: "iteration", yLabel: metric)
        var survivor = 0
        for curve in curves.sorted(by: { $0.stopped && !$1.stopped }) {
            let color = curve.stopped ? "#b0b0b0" : palette[survivor % palette.count]
            if !curve.stopped { survivor += 1 }
            let xs = curve.iterations.map(Double.init)
            plot.addLine(xs: xs, ys: curve.values, color: color, lineWidth: curve.stopped ? 1 : 1.8,
                         label: curve.stopped || survivor > palette.count ? nil : curve.label)
            var marks = Matrix(rows: xs.count, columns: 2)
            for (r, (x, v)) in zip(xs, curve.values).enumerated() {
                marks[r, 0] = x
                marks[r, 1] = v
            }
            plot.addPoints(marks, color: color, radius: 2.2, opacity: 0.9)
        }
        if curves.contains(where: \.stopped) { plot.addLine(xs: [], ys: [], color: "#b0b0b0", label: "stopped early") }
        return plot.render()
    }
}
