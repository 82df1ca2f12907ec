import EBMCore

extension Figures {
    /// Dots drawn in `bestOverTimeFigure` at most: a file a browser opens however large the sweep.
    static let historyDotLimit = 500

    /// One moment of a sweep, in minutes since its first job started, and a metric value.
    public struct TimedValue: Sendable, Equatable {
        public var minutes: Double
        public var value: Double

        public init(minutes: Double, value: Double) {
            self.minutes = minutes
            self.value = value
        }
    }

    /// `best-over-time.svg`: the best configuration's mean as the sweep ran (a step line), each
    /// configuration's mean when its seeds had all ended (grey dots), and where racing began, so a
    /// reader sees when the sweep had found its result and what its last minutes added. The worst
    /// dots are left out (the note says how many): the interesting range is the best's.
    /// Nil before any configuration has a best mean.
    public static func bestOverTimeFigure(best: [TimedValue], entries: [TimedValue], raceStart: Double?, end: Double,
                                          metric: String, higherIsBetter: Bool) -> String? {
        let best = best.filter { $0.value.isFinite && $0.minutes.isFinite }
        let entries = entries.filter { $0.value.isFinite && $0.minutes.isFinite }
        guard let first = best.first, let last = best.last else { return nil }
        // A little room after the last job's end, where the last change of the best often is.
        let end = max([end, last.minutes, raceStart ?? 0].filter(\.isFinite).max() ?? 0, 1e-3)
        let right = end * 1.04
        // The axis spans the best line and the better 80 % of the dots (and any better than the
        // first best); at most `historyDotLimit` dots are drawn, the better ones.
        let worse: (Double, Double) -> Bool = { higherIsBetter ? $0 < $1 : $0 > $1 }
        let ordered = entries.sorted { a, b in a.value == b.value ? a.minutes < b.minutes : worse(b.value, a.value) }
        let kept = Int((Double(ordered.count) * 0.8).rounded(.up))
        let shown = Array((ordered.prefix(kept) + ordered.dropFirst(kept).filter { !worse($0.value, first.value) }).prefix(historyDotLimit))
        var plot = SVGPlot(width: 720, height: 400, xRange: 0...right,
                           yRange: paddedRange(best.map(\.value) + shown.map(\.value), by: 0.08), showGrid: true,
                           title: "The best \(metric) as the sweep ran", xLabel: "minutes since the first job started",
                           yLabel: "\(metric) (mean over seeds)")
        let hidden = entries.count - shown.count
        if hidden > 0 { plot.note = "the \(hidden) worst configuration\(hidden == 1 ? "" : "s") not drawn" }
        var dots = Matrix(rows: shown.count, columns: 2)
        for (r, e) in shown.enumerated() {
            dots[r, 0] = e.minutes
            dots[r, 1] = e.value
        }
        if !shown.isEmpty { plot.addPoints(dots, color: "#9a9a9a", radius: 2.6, opacity: 0.8, label: "a configuration's seeds all ended") }
        var xs: [Double] = [], ys: [Double] = []
        for (k, point) in best.enumerated() {
            xs.append(point.minutes)
            ys.append(point.value)
            let next = k + 1 < best.count ? best[k + 1].minutes : end
            xs.append(next)
            ys.append(point.value)
        }
        plot.addLine(xs: xs, ys: ys, color: palette[0], lineWidth: 2, label: "best so far")
        // Where the best ended: often a change in the last seconds, too short a step to see.
        var final = Matrix(rows: 1, columns: 2)
        (final[0, 0], final[0, 1]) = (last.minutes, last.value)
        plot.addPoints(final, color: palette[0], radius: 4, opacity: 1)
        if let raceStart, raceStart.isFinite {
            plot.addLine(xs: [raceStart, raceStart], ys: [plot.yRange.lowerBound, plot.yRange.upperBound], color: palette[3],
                         lineWidth: 1.2, dashed: true, label: "racing began")
        }
        return plot.render()
    }
}
