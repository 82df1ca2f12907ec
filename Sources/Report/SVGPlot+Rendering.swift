import Foundation

extension SVGPlot {
    /// Pixel rectangle of the plot area and the data → pixel map.
    struct Frame {
        var left: Double, top: Double, width: Double, height: Double
        var xRange: ClosedRange<Double>, yRange: ClosedRange<Double>

        var right: Double { left + width }
        var bottom: Double { top + height }

        func px(_ x: Double) -> Double {
            left + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * width
        }

        func py(_ y: Double) -> Double {
            bottom - (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * height
        }
    }

    /// Space for the colour bar, its tick labels and its rotated label.
    static let colorBarSpace = 108.0

    /// The plot area: the figure minus margins for title, labels and colour bar. With equal aspect,
    /// the largest rectangle whose pixels per unit agree on both axes, at the top left; the figure
    /// is then trimmed to it (`canvasSize`) instead of keeping empty bands.
    func layoutFrame() -> Frame {
        let m = margins
        var w = width - m.left - m.right
        var h = height - m.top - m.bottom
        if equalAspect {
            let xSpan = xRange.upperBound - xRange.lowerBound
            let ySpan = yRange.upperBound - yRange.lowerBound
            let scale = min(w / xSpan, h / ySpan)
            if scale.isFinite && scale > 0 {
                w = xSpan * scale
                h = ySpan * scale
            } else {
                // Spans so small (subnormal) or so unequal that pixels per unit over- or
                // underflow: keep the aspect ratio, clamped to 1:10⁶, through its quotient.
                let ratio = min(max(xSpan / ySpan, 1e-6), 1e6)
                if ratio * h <= w { w = ratio * h } else { h = w / ratio }
            }
        }
        return Frame(left: m.left, top: m.top, width: w, height: h, xRange: xRange, yRange: yRange)
    }

    var margins: (left: Double, right: Double, top: Double, bottom: Double) {
        (62, 18 + (colorBar == nil ? 0 : Self.colorBarSpace), (title.isEmpty ? 16 : 36) + (note.isEmpty ? 0 : 16), 48)
    }

    /// The figure's size after trimming around the frame (equal to width × height without equal aspect).
    func canvasSize(_ frame: Frame) -> (width: Double, height: Double) {
        let m = margins
        return (min(width, frame.right + m.right), min(height, frame.bottom + m.bottom))
    }

    /// The complete SVG document.
    public func render() -> String {
        let frame = layoutFrame()
        var content = ""
        for mark in marks { content += render(mark, in: frame) }
        // Unique per content, stable per input: lets several figures share one HTML page.
        let clipID = "clip-" + Self.fnv1aHex(content + title)
        let (width, height) = canvasSize(frame)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" "
        svg += "viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
        svg += "<defs><clipPath id=\"\(clipID)\"><rect x=\"\(f(frame.left))\" y=\"\(f(frame.top))\" width=\"\(f(frame.width))\" height=\"\(f(frame.height))\"/></clipPath></defs>\n"
        svg += "<rect class=\"background\" x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#ffffff\"/>\n"
        if showGrid { svg += gridLines(frame) }
        svg += "<g class=\"marks\" clip-path=\"url(#\(clipID))\">\n" + content + "</g>\n"
        svg += axes(frame)
        if !legendEntries.isEmpty { svg += legend(frame) }
        if let colorBar { svg += render(colorBar, beside: frame) }
        if !title.isEmpty {
            svg += "<text class=\"title\" x=\"\(f(frame.left + frame.width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(Markup.xml(title))</text>\n"
        }
        if !note.isEmpty {
            svg += "<text class=\"note\" x=\"\(f(frame.left + frame.width / 2))\" y=\"\(f(frame.top - 8))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#8a4b00\">\(Markup.xml(note))</text>\n"
        }
        svg += "</svg>\n"
        return svg
    }

    private func render(_ mark: Mark, in frame: Frame) -> String {
        switch mark {
        case let .line(xs, ys, color, lineWidth, opacity, dashed):
            var out = ""
            var piece: [String] = []
            func flush() {
                if piece.count >= 2 {
                    out += "<polyline fill=\"none\" stroke=\"\(Markup.xml(color))\" stroke-width=\"\(f(lineWidth))\""
                    if opacity < 1 { out += " stroke-opacity=\"\(f(opacity))\"" }
                    if dashed { out += " stroke-dasharray=\"6 4\"" }
                    out += " stroke-linejoin=\"round\" points=\"" + piece.joined(separator: " ") + "\"/>\n"
                }
                piece.removeAll()
            }
            for (x, y) in zip(xs, ys) {
                if x.isFinite && y.isFinite {
                    piece.append(f(clampPixel(frame.px(x))) + "," + f(clampPixel(frame.py(y))))
                } else {
                    flush()
                }
            }
            flush()
            return out
        case let .band(xs, lower, upper, color, opacity):
            let keep = xs.indices.filter { xs[$0].isFinite && lower[$0].isFinite && upper[$0].isFinite }
            guard keep.count >= 2 else { return "" }
            var pts = keep.map { f(frame.px(xs[$0])) + "," + f(clampPixel(frame.py(upper[$0]))) }
            pts += keep.reversed().map { f(frame.px(xs[$0])) + "," + f(clampPixel(frame.py(lower[$0]))) }
            return "<polygon fill=\"\(Markup.xml(color))\" fill-opacity=\"\(f(opacity))\" stroke=\"none\" points=\"" + pts.joined(separator: " ") + "\"/>\n"
        case let .points(points, color, radius, opacity):
            var out = "<g class=\"points\" fill=\"\(Markup.xml(color))\" fill-opacity=\"\(f(opacity))\">\n"
            for r in 0..<points.rows {
                let x = points[r, 0]
                let y = points[r, 1]
                guard x.isFinite && y.isFinite else { continue }
                out += "<circle cx=\"\(f(clampPixel(frame.px(x))))\" cy=\"\(f(clampPixel(frame.py(y))))\" r=\"\(f(radius))\"/>\n"
            }
            return out + "</g>\n"
        case let .arrows(origins, vectors, color, lineWidth):
            var d = ""
            for r in 0..<origins.rows {
                let x0 = frame.px(origins[r, 0]), y0 = frame.py(origins[r, 1])
                let x1 = frame.px(origins[r, 0] + vectors[r, 0]), y1 = frame.py(origins[r, 1] + vectors[r, 1])
                guard x0.isFinite, y0.isFinite, x1.isFinite, y1.isFinite else { continue }
                let length = ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)).squareRoot()
                guard length > 0.5 else { continue }
                // Head: two strokes of 35 % of the shaft (at most 5 px), ±25° from the shaft.
                let head = min(5, 0.35 * length)
                let ux = (x1 - x0) / length, uy = (y1 - y0) / length
                let c = cos(25 * Double.pi / 180), s = sin(25 * Double.pi / 180)
                let hx1 = x1 - head * (ux * c - uy * s), hy1 = y1 - head * (uy * c + ux * s)
                let hx2 = x1 - head * (ux * c + uy * s), hy2 = y1 - head * (uy * c - ux * s)
                d += "M\(f(x0)) \(f(y0))L\(f(x1)) \(f(y1))M\(f(hx1)) \(f(hy1))L\(f(x1)) \(f(y1))L\(f(hx2)) \(f(hy2))"
            }
            guard !d.isEmpty else { return "" }
            return "<path class=\"arrows\" fill=\"none\" stroke=\"\(Markup.xml(color))\" stroke-width=\"\(f(lineWidth))\" stroke-linecap=\"round\" d=\"\(d)\"/>\n"
        case let .image(png, xr, yr):
            let x = frame.px(xr.lowerBound), y = frame.py(yr.upperBound)
            let w = frame.px(xr.upperBound) - x, h = frame.py(yr.lowerBound) - y
            return "<image x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(w))\" height=\"\(f(h))\" preserveAspectRatio=\"none\" href=\"data:image/png;base64,\(Self.base64(png))\"/>\n"
        case let .text(text, x, y, color, size, anchor):
            let px = frame.px(x), py = frame.py(y)
            guard px.isFinite, py.isFinite else { return "" }
            let safeAnchor = ["start", "middle", "end"].contains(anchor) ? anchor : "middle"
            return "<text x=\"\(f(clampPixel(px)))\" y=\"\(f(clampPixel(py + size * 0.35)))\" text-anchor=\"\(safeAnchor)\" font-size=\"\(f(size))\" fill=\"\(Markup.xml(color))\">\(Markup.xml(text))</text>\n"
        }
    }

    /// Keeps far-away points at a sane pixel value (clipping hides them anyway), so a sample at 1e300
    /// does not print a 300-digit coordinate.
    func clampPixel(_ v: Double) -> Double { min(max(v, -1e5), 1e5) }

    /// Two decimals: sub-pixel precision without noise.
    func f(_ v: Double) -> String { NumberText.fixed(v, decimals: 2) }

    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    static func fnv1aHex(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
