extension SVGPlot {
    /// The ticks both axes show: the caller's when given, else nice linear ones. With equal aspect
    /// both axes use one step, so a unit looks the same and its ticks are equally spaced on x and y.
    func resolvedTicks(_ frame: Frame) -> (x: [Tick], y: [Tick]) {
        let x = Self.niceTicks(xRange, target: max(3, Int(frame.width / 80)))
        var y = Self.niceTicks(yRange, target: max(3, Int(frame.height / 60)))
        if equalAspect, xTicks == nil, yTicks == nil, x.ticks.count >= 2 {
            let step = x.ticks[1] - x.ticks[0]
            let shared = Self.multiples(of: step, in: yRange)
            if shared.count >= 2 { y = (shared, x.decimals) }
        }
        func labelled(_ t: (ticks: [Double], decimals: Int)) -> [Tick] {
            t.ticks.map { Tick(value: $0, label: Self.tickLabel($0, decimals: t.decimals, ticks: t.ticks)) }
        }
        return (xTicks ?? labelled(x), yTicks ?? labelled(y))
    }

    /// The multiples of `step` inside `range` (a tick within 1e-9 steps of an end counts as inside),
    /// at most `maxTicks` of them, else none (the caller keeps its own ticks).
    static func multiples(of step: Double, in range: ClosedRange<Double>) -> [Double] {
        guard step.isNormal, step > 0 else { return [] }
        let first = (range.lowerBound / step - 1e-9).rounded(.up)
        let last = (range.upperBound / step + 1e-9).rounded(.down)
        guard first.isFinite, last.isFinite, last >= first, last - first < Double(maxTicks) else { return [] }
        return stride(from: first, through: last, by: 1).map { k in abs(k * step) < step * 1e-9 ? 0 : k * step }
    }
}
