extension SVGPlot {
    /// Legend in the top-right corner of the plot area, on a translucent white box. Swatches are
    /// rects and lines, never circles, so counting `<circle>` elements counts data points.
    func legend(_ frame: Frame) -> String {
        // Width estimate: 6.6 px per character at 12 px DejaVu Sans, plus the swatch.
        let textWidth = legendEntries.map { Double($0.label.count) * 6.6 }.max() ?? 0
        let boxWidth = textWidth + 38
        let rowHeight = 18.0
        let boxHeight = Double(legendEntries.count) * rowHeight + 8
        let x0 = frame.right - boxWidth - 8
        let y0 = frame.top + 8
        var out = "<g class=\"legend\">\n"
        out += "<rect x=\"\(f(x0))\" y=\"\(f(y0))\" width=\"\(f(boxWidth))\" height=\"\(f(boxHeight))\" fill=\"#ffffff\" fill-opacity=\"0.85\" stroke=\"#999999\" stroke-width=\"0.8\" rx=\"3\"/>\n"
        for (i, entry) in legendEntries.enumerated() {
            let cy = y0 + 4 + rowHeight * (Double(i) + 0.5)
            let color = Markup.xml(entry.color)
            switch entry.style {
            case .line:
                out += "<line x1=\"\(f(x0 + 8))\" y1=\"\(f(cy))\" x2=\"\(f(x0 + 26))\" y2=\"\(f(cy))\" stroke=\"\(color)\" stroke-width=\"2.5\"/>\n"
            case .band:
                out += "<rect x=\"\(f(x0 + 8))\" y=\"\(f(cy - 5))\" width=\"18\" height=\"10\" fill=\"\(color)\" fill-opacity=\"0.35\"/>\n"
            case .point:
                out += "<rect x=\"\(f(x0 + 13))\" y=\"\(f(cy - 4))\" width=\"8\" height=\"8\" rx=\"4\" fill=\"\(color)\"/>\n"
            }
            out += "<text x=\"\(f(x0 + 32))\" y=\"\(f(cy + 4))\">\(Markup.xml(entry.label))</text>\n"
        }
        return out + "</g>\n"
    }

    /// A vertical bar (a 1×256 PNG stretched) right of the plot, ticks and labels on its right,
    /// the rotated label beyond them.
    func render(_ bar: ColorBar, beside frame: Frame) -> String {
        let x = frame.right + 16
        let barWidth = 14.0
        let table = bar.colorMap.lookupTable
        var pixels: [UInt8] = []
        for level in (0..<256).reversed() {
            pixels += [table[level].red, table[level].green, table[level].blue]
        }
        let png = PNG.encode(RasterImage(width: 1, height: 256, channels: 3, pixels: pixels))
        var out = "<g class=\"colorbar\">\n"
        out += "<image x=\"\(f(x))\" y=\"\(f(frame.top))\" width=\"\(f(barWidth))\" height=\"\(f(frame.height))\" preserveAspectRatio=\"none\" href=\"data:image/png;base64,\(Self.base64(png))\"/>\n"
        out += "<rect x=\"\(f(x))\" y=\"\(f(frame.top))\" width=\"\(f(barWidth))\" height=\"\(f(frame.height))\" fill=\"none\" stroke=\"#333333\" stroke-width=\"1\"/>\n"
        let (ticks, decimals) = Self.niceTicks(bar.range, target: max(3, Int(frame.height / 60)))
        let span = bar.range.upperBound - bar.range.lowerBound
        let labels = ticks.map { Self.tickLabel($0, decimals: decimals, ticks: ticks) }
        for (t, label) in zip(ticks, labels) {
            let y = frame.bottom - (t - bar.range.lowerBound) / span * frame.height
            out += "<line x1=\"\(f(x + barWidth))\" y1=\"\(f(y))\" x2=\"\(f(x + barWidth + 4))\" y2=\"\(f(y))\" stroke=\"#333333\" stroke-width=\"1\"/>\n"
            out += "<text x=\"\(f(x + barWidth + 7))\" y=\"\(f(y + 4))\" fill=\"#222222\">\(label)</text>\n"
        }
        // The rotated label sits just beyond the widest tick label (7 px per character at 12 px,
        // a generous estimate), its glyphs' 10 px ascent towards the bar: beside the bar, not at the margin.
        let widest = Double(labels.map(\.count).max() ?? 0) * 7
        let lx = min(x + barWidth + 7 + widest + 14, x + Self.colorBarSpace - 8), ly = frame.top + frame.height / 2
        out += "<text class=\"colorbar-label\" x=\"\(f(lx))\" y=\"\(f(ly))\" text-anchor=\"middle\" transform=\"rotate(-90 \(f(lx)) \(f(ly)))\">\(Markup.xml(bar.label))</text>\n"
        return out + "</g>\n"
    }
}
