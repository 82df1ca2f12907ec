extension SVGPlot {
    /// At most this many ticks per axis, whatever the range: a tick is about 150 bytes of SVG.
    static let maxTicks = 50

    /// "Nice" tick positions covering `range`: a step of 1, 2 or 5 × 10^k giving about `target`
    /// intervals, ticks at the step's multiples inside the range (Heckbert, Graphics Gems I).
    /// Returns the ticks and the number of decimals their labels need.
    ///
    /// Total for any range: when no nice step fits (a non-finite or subnormal width, or ends so far
    /// from 0 that the step's multiples cannot be counted), the ticks are the range's finite ends.
    /// A width of 1e-310 once gave a step of 0 and an endless list (docs/design.md, "Figures").
    static func niceTicks(_ range: ClosedRange<Double>, target: Int) -> (ticks: [Double], decimals: Int) {
        let span = range.upperBound - range.lowerBound
        let intervals = min(max(target, 1), maxTicks / 2)
        let rough = span / Double(intervals)
        guard span > 0, span.isFinite, rough.isNormal else { return endTicks(range) }
        let exponent = Int(rough.log10Floor)
        let magnitude = NumberText.powerOfTen(exponent)
        let fraction = rough / magnitude
        let nice: Double = fraction < 1.5 ? 1 : (fraction < 3 ? 2 : (fraction < 7 ? 5 : 10))
        let step = nice * magnitude
        // A tick within 1e-9 steps of the range's ends still counts as inside (float noise).
        let slack = 1e-9
        let first = (range.lowerBound / step - slack).rounded(.up)
        let last = (range.upperBound / step + slack).rounded(.down)
        guard step.isNormal, first.isFinite, last.isFinite, last >= first, last - first < Double(maxTicks) else {
            return endTicks(range)
        }
        var ticks: [Double] = []
        for k in 0...Int(last - first) {
            let t = (first + Double(k)) * step
            ticks.append(abs(t) < step * 1e-9 ? 0 : t)
        }
        let stepExponent = Int(step.log10Floor)
        let decimals = min(12, max(0, -stepExponent))
        return (ticks, decimals)
    }

    /// The fallback ticks: the finite ends of the range, labelled with enough decimals to differ.
    static func endTicks(_ range: ClosedRange<Double>) -> (ticks: [Double], decimals: Int) {
        let ends = [range.lowerBound, range.upperBound].filter(\.isFinite)
        let ticks = ends.count == 2 && ends[0] == ends[1] ? [ends[0]] : ends
        let span = range.upperBound - range.lowerBound
        let decimals = span.isNormal && span.isFinite ? min(12, max(0, 1 - Int(span.log10Floor))) : 0
        return (ticks, decimals)
    }

    /// Tick text: fixed decimals, or scientific when the labels would be huge or tiny.
    static func tickLabel(_ v: Double, decimals: Int, ticks: [Double]) -> String {
        let largest = ticks.map(abs).max() ?? 0
        if largest >= 1e6 || (largest > 0 && largest < 1e-3) { return NumberText.significant(v, digits: 3) }
        return NumberText.fixed(v, decimals: decimals)
    }

    func axes(_ frame: Frame) -> String {
        var out = "<g class=\"axes\" stroke=\"#333333\" stroke-width=\"1\">\n"
        out += "<rect x=\"\(f(frame.left))\" y=\"\(f(frame.top))\" width=\"\(f(frame.width))\" height=\"\(f(frame.height))\" fill=\"none\"/>\n"
        let ticks = resolvedTicks(frame)
        var labels = ""
        for t in ticks.x where t.value >= xRange.lowerBound && t.value <= xRange.upperBound {
            let x = frame.px(t.value)
            out += "<line x1=\"\(f(x))\" y1=\"\(f(frame.bottom))\" x2=\"\(f(x))\" y2=\"\(f(frame.bottom + 5))\"/>\n"
            labels += "<text x=\"\(f(x))\" y=\"\(f(frame.bottom + 18))\" text-anchor=\"middle\">\(Markup.xml(t.label))</text>\n"
        }
        for t in ticks.y where t.value >= yRange.lowerBound && t.value <= yRange.upperBound {
            let y = frame.py(t.value)
            out += "<line x1=\"\(f(frame.left - 5))\" y1=\"\(f(y))\" x2=\"\(f(frame.left))\" y2=\"\(f(y))\"/>\n"
            labels += "<text x=\"\(f(frame.left - 8))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(Markup.xml(t.label))</text>\n"
        }
        out += "</g>\n<g class=\"tick-labels\" fill=\"#222222\">\n" + labels + "</g>\n"
        if !xLabel.isEmpty {
            out += "<text class=\"xlabel\" x=\"\(f(frame.left + frame.width / 2))\" y=\"\(f(frame.bottom + 38))\" text-anchor=\"middle\">\(Markup.xml(xLabel))</text>\n"
        }
        if !yLabel.isEmpty {
            let x = frame.left - 48, y = frame.top + frame.height / 2
            out += "<text class=\"ylabel\" x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"middle\" transform=\"rotate(-90 \(f(x)) \(f(y)))\">\(Markup.xml(yLabel))</text>\n"
        }
        return out
    }

    func gridLines(_ frame: Frame) -> String {
        var out = "<g class=\"grid\" stroke=\"#e6e6e6\" stroke-width=\"1\">\n"
        let ticks = resolvedTicks(frame)
        for t in ticks.x.map(\.value) where t >= xRange.lowerBound && t <= xRange.upperBound {
            out += "<line x1=\"\(f(frame.px(t)))\" y1=\"\(f(frame.top))\" x2=\"\(f(frame.px(t)))\" y2=\"\(f(frame.bottom))\"/>\n"
        }
        for t in ticks.y.map(\.value) where t >= yRange.lowerBound && t <= yRange.upperBound {
            out += "<line x1=\"\(f(frame.left))\" y1=\"\(f(frame.py(t)))\" x2=\"\(f(frame.right))\" y2=\"\(f(frame.py(t)))\"/>\n"
        }
        return out + "</g>\n"
    }
}
