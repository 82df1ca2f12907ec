import EBMCore
import Foundation

/// Several figures as panels of one SVG (small multiples): each panel is the figure's own SVG
/// nested as an `<svg>` with its viewBox, scaled to a common panel width, in rows of `columns`,
/// under its caption (wrapped at commas to the panel's width).
/// Nested SVG keeps every panel's coordinates and clip paths as they are (their ids are already
/// unique per content), and renders the same in browsers, rsvg and PDF.
public enum SmallMultiples {
    /// Precondition: `columns >= 1`, `panelWidth > 0`.
    public static func compose(_ panels: [(svg: String, caption: String)], columns: Int, panelWidth: Double,
                               title: String) -> String {
        precondition(columns >= 1 && panelWidth > 0, "need at least one column of positive width")
        func f(_ v: Double) -> String { NumberText.fixed(v, decimals: 2) }
        let sized = panels.map { panel -> (body: String, width: Double, height: Double) in
            let (w, h) = size(of: panel.svg)
            return (panel.svg, w, h)
        }
        // 12 px text is about 6.6 px a character.
        let captions = panels.map { wrap($0.caption, width: max(10, Int(panelWidth / 6.6))) }
        let lineHeight = 15.0
        let captionHeights = captions.map { Double($0.count) * lineHeight + 4 }
        let heights = zip(sized, captionHeights).map { $0.height * panelWidth / max($0.width, 1) + $1 }
        let titleHeight = 30.0, gap = 8.0
        let rows = (panels.count + columns - 1) / columns
        var rowTops: [Double] = []
        var y = titleHeight
        for r in 0..<rows {
            rowTops.append(y)
            y += (heights[(r * columns)..<min((r + 1) * columns, panels.count)].max() ?? 0) + gap
        }
        let width = Double(min(columns, max(panels.count, 1))) * (panelWidth + gap) + gap
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(y))\" viewBox=\"0 0 \(f(width)) \(f(y))\" "
        out += "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
        out += "<rect class=\"background\" x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(y))\" fill=\"#ffffff\"/>\n"
        out += "<text class=\"title\" x=\"\(f(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(Markup.xml(title))</text>\n"
        for (k, panel) in sized.enumerated() {
            let x = gap + Double(k % columns) * (panelWidth + gap)
            let inner = innerContent(of: panel.body)
            let top = rowTops[k / columns]
            for (line, text) in captions[k].enumerated() {
                out += "<text class=\"caption\" x=\"\(f(x + panelWidth / 2))\" y=\"\(f(top + lineHeight * Double(line + 1) - 3))\" text-anchor=\"middle\">\(Markup.xml(text))</text>\n"
            }
            out += "<svg class=\"panel\" x=\"\(f(x))\" y=\"\(f(top + captionHeights[k]))\" width=\"\(f(panelWidth))\" height=\"\(f(heights[k] - captionHeights[k]))\" "
            out += "viewBox=\"0 0 \(f(panel.width)) \(f(panel.height))\">\n" + inner + "</svg>\n"
        }
        return out + "</svg>\n"
    }

    /// `text` in lines of at most `width` characters, broken after ", " where possible.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        for piece in text.components(separatedBy: ", ") {
            if let last = lines.last, last.count + 2 + piece.count <= width {
                lines[lines.count - 1] = last + ", " + piece
            } else {
                lines.append(piece.count > width ? String(piece.prefix(width - 1)) + "…" : piece)
            }
        }
        return lines
    }

    /// The width and height attributes of an SVG's root (500 × 500 when absent or unreadable).
    static func size(of svg: String) -> (Double, Double) {
        guard let open = svg.range(of: "<svg"), let close = svg[open.upperBound...].firstIndex(of: ">") else { return (500, 500) }
        let tag = svg[open.upperBound..<close]
        func attribute(_ name: String) -> Double? {
            guard let start = tag.range(of: " \(name)=\"") else { return nil }
            let rest = tag[start.upperBound...]
            return rest.firstIndex(of: "\"").flatMap { Double(rest[..<$0]) }
        }
        let w = attribute("width") ?? 500, h = attribute("height") ?? 500
        return (w.isFinite && w > 0 ? w : 500, h.isFinite && h > 0 ? h : 500)
    }

    /// What lies between the root `<svg …>` and its closing tag.
    static func innerContent(of svg: String) -> String {
        guard let open = svg.range(of: "<svg"), let close = svg[open.upperBound...].firstIndex(of: ">"),
              let end = svg.range(of: "</svg>", options: .backwards) else { return "" }
        let start = svg.index(after: close)
        return start <= end.lowerBound ? String(svg[start..<end.lowerBound]) : ""
    }
}
