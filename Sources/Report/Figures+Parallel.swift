import Sweep

extension Figures {
    /// `parallel.svg`: parallel coordinates, one vertical axis per swept hyperparameter and a last
    /// one for the metric's mean over seeds; each configuration is a line coloured by that mean
    /// (viridis, with a colour bar). Configurations without an ok seed (diverged, failed, not run)
    /// are grey and dashed and end in a "no ok seed" row under the metric axis. Better configurations
    /// are drawn last, on top. Nil with nothing swept.
    public static func parallelCoordinates(configurations: [ConfigurationResults], swept: [String],
                                           metric: RankingMetric) -> String? {
        guard !swept.isEmpty, !configurations.isEmpty else { return nil }
        let axes = swept.map { name in ValueAxis(name: name, values: configurations.map { $0.values[name] }) }
        let means = configurations.map { $0.summary?.mean }
        let metricRange = paddedRange(means.compactMap { $0 }, by: 0.05)
        let (left, right, top, bottom) = (70.0, 150.0, 52.0, 80.0)
        let width = max(640, 150 * Double(axes.count + 1) + left + right), height = 440.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let xs = (0...axes.count).map { left + plotWidth * Double($0) / Double(axes.count) }
        func y(_ t: Double) -> Double { top + plotHeight * (1 - min(max(t, 0), 1)) }
        func fraction(_ v: Double, _ r: ClosedRange<Double>) -> Double { (v - r.lowerBound) / (r.upperBound - r.lowerBound) }
        let missingY = top + plotHeight + 26
        func f(_ v: Double) -> String { NumberText.fixed(v, decimals: 2) }

        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\" "
        svg += "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
        svg += "<rect class=\"background\" x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#ffffff\"/>\n"
        svg += "<text class=\"title\" x=\"\(f(width / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">"
            + Markup.xml("Configurations across \(swept.count) hyperparameter\(swept.count == 1 ? "" : "s") and \(metric.rawValue)") + "</text>\n"

        // Lines: grey ones first, then coloured from worst to best so the best is on top.
        let order = configurations.indices.sorted { a, b in
            switch (means[a], means[b]) {
            case (nil, nil): return configurations[a].rank < configurations[b].rank
            case (nil, _): return true
            case (_, nil): return false
            case let (ma?, mb?): return ma == mb ? configurations[a].rank > configurations[b].rank : metric.isBetter(mb, than: ma)
            }
        }
        svg += "<g class=\"lines\" fill=\"none\">\n"
        for i in order {
            let c = configurations[i]
            var points = zip(axes, xs).compactMap { axis, x in
                axis.position(c.values[axis.name]).map { "\(f(x)),\(f(y(fraction($0, axis.range))))" }
            }
            let metricX = xs[axes.count]
            if let mean = means[i] {
                points.append("\(f(metricX)),\(f(y(fraction(mean, metricRange))))")
                let color = ColorMap.viridis.color(at: fraction(mean, metricRange)).hex
                svg += "<polyline class=\"configuration\" data-config=\"\(Markup.xml(c.configID))\" stroke=\"\(color)\" stroke-width=\"2\" stroke-opacity=\"0.85\" points=\"\(points.joined(separator: " "))\"/>\n"
            } else {
                points.append("\(f(metricX)),\(f(missingY))")
                svg += "<polyline class=\"configuration\" data-config=\"\(Markup.xml(c.configID))\" stroke=\"#b0b0b0\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\" points=\"\(points.joined(separator: " "))\"/>\n"
            }
        }
        svg += "</g>\n<g class=\"axes\" stroke=\"#333333\" stroke-width=\"1\">\n"
        for x in xs { svg += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + plotHeight))\"/>\n" }
        // A white halo (stroke painted under the fill) keeps labels readable where lines cross them.
        svg += "</g>\n<g class=\"tick-labels\" fill=\"#222222\" font-size=\"11\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\" stroke-linejoin=\"round\">\n"
        for (axis, x) in zip(axes, xs) {
            for tick in axis.ticks ?? [] {
                svg += "<text x=\"\(f(x - 6))\" y=\"\(f(y(fraction(tick.value, axis.range)) + 4))\" text-anchor=\"end\">\(Markup.xml(tick.label))</text>\n"
            }
            svg += "<text class=\"axis-name\" x=\"\(f(x))\" y=\"\(f(top + plotHeight + 50))\" text-anchor=\"middle\" font-size=\"12\">\(Markup.xml(axis.label))</text>\n"
        }
        let metricX = xs[axes.count]
        let (ticks, decimals) = SVGPlot.niceTicks(metricRange, target: 6)
        for t in ticks {
            svg += "<text x=\"\(f(metricX - 6))\" y=\"\(f(y(fraction(t, metricRange)) + 4))\" text-anchor=\"end\">\(SVGPlot.tickLabel(t, decimals: decimals, ticks: ticks))</text>\n"
        }
        if means.contains(where: { $0 == nil }) {
            svg += "<text x=\"\(f(metricX - 6))\" y=\"\(f(missingY + 4))\" text-anchor=\"end\" fill=\"#777777\">no ok seed</text>\n"
        }
        svg += "<text class=\"axis-name\" x=\"\(f(metricX))\" y=\"\(f(top + plotHeight + 50))\" text-anchor=\"middle\" font-size=\"12\">"
            + Markup.xml("\(metric.rawValue) (\(metric.higherIsBetter ? "higher" : "lower") is better)") + "</text>\n</g>\n"
        svg += verticalColorBar(x: metricX + 40, top: top, height: plotHeight, range: metricRange,
                                label: "\(metric.rawValue), mean over seeds")
        return svg + "</svg>\n"
    }

    /// A viridis bar as an SVG gradient with tick labels on its right and the label beside them.
    static func verticalColorBar(x: Double, top: Double, height: Double, range: ClosedRange<Double>, label: String) -> String {
        func f(_ v: Double) -> String { NumberText.fixed(v, decimals: 2) }
        let id = "bar-" + SVGPlot.fnv1aHex(label + f(range.lowerBound) + f(range.upperBound))
        var out = "<defs><linearGradient id=\"\(id)\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">\n"
        for k in 0...16 {
            let t = Double(k) / 16
            out += "<stop offset=\"\(f(t))\" stop-color=\"\(ColorMap.viridis.color(at: t).hex)\"/>\n"
        }
        out += "</linearGradient></defs>\n<g class=\"colorbar\">\n"
        out += "<rect x=\"\(f(x))\" y=\"\(f(top))\" width=\"14\" height=\"\(f(height))\" fill=\"url(#\(id))\" stroke=\"#333333\" stroke-width=\"1\"/>\n"
        let (ticks, decimals) = SVGPlot.niceTicks(range, target: 6)
        let labels = ticks.map { SVGPlot.tickLabel($0, decimals: decimals, ticks: ticks) }
        for (t, text) in zip(ticks, labels) {
            let y = top + height * (1 - (t - range.lowerBound) / (range.upperBound - range.lowerBound))
            out += "<line x1=\"\(f(x + 14))\" y1=\"\(f(y))\" x2=\"\(f(x + 18))\" y2=\"\(f(y))\" stroke=\"#333333\"/>\n"
            out += "<text x=\"\(f(x + 21))\" y=\"\(f(y + 4))\" fill=\"#222222\">\(text)</text>\n"
        }
        let lx = x + 21 + Double(labels.map(\.count).max() ?? 0) * 7 + 14, ly = top + height / 2
        out += "<text class=\"colorbar-label\" x=\"\(f(lx))\" y=\"\(f(ly))\" text-anchor=\"middle\" transform=\"rotate(-90 \(f(lx)) \(f(ly)))\">\(Markup.xml(label))</text>\n"
        return out + "</g>\n"
    }
}
