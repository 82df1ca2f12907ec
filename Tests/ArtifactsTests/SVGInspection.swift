import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads figures back as a reader would: parsed as XML (so a figure that is not well-formed fails),
/// values recovered from pixel positions through the axis's own tick labels.
struct SVGInspection {
    let root: XMLElement

    init(_ svg: String) throws {
        let document = try XMLDocument(xmlString: svg, options: [])
        guard let root = document.rootElement(), root.name == "svg" else {
            throw CocoaError(.coderReadCorrupt)
        }
        self.root = root
    }

    func elements(_ name: String, in element: XMLElement? = nil) -> [XMLElement] {
        let start = element ?? root
        var out: [XMLElement] = start.name == name ? [start] : []
        for child in start.children ?? [] {
            if let e = child as? XMLElement { out += elements(name, in: e) }
        }
        return out
    }

    static func attribute(_ name: String, _ element: XMLElement) -> String? {
        element.attributes?.first { $0.name == name }?.stringValue
    }

    static func number(_ name: String, _ element: XMLElement) -> Double? {
        attribute(name, element).flatMap(Double.init)
    }

    /// The y axis's tick labels (right-aligned text in the tick-labels group) as (pixel, value).
    var yTicks: [(pixel: Double, value: Double)] {
        let groups = elements("g").filter { Self.attribute("class", $0) == "tick-labels" }
        return groups.flatMap { elements("text", in: $0) }.compactMap { text in
            guard Self.attribute("text-anchor", text) == "end", let y = Self.number("y", text),
                  let value = text.stringValue.flatMap(Double.init) else { return nil }
            return (y - 4, value)
        }
    }

    /// Pixel → data on the y axis, fitted through the first and last tick.
    func yValue(ofPixel pixel: Double) -> Double? {
        let ticks = yTicks
        guard let a = ticks.first, let b = ticks.last, a.pixel != b.pixel else { return nil }
        return a.value + (pixel - a.pixel) * (b.value - a.value) / (b.pixel - a.pixel)
    }

    /// The data points: every `<circle>`'s (cx, cy).
    var points: [(x: Double, y: Double)] {
        elements("circle").compactMap { c in
            guard let x = Self.number("cx", c), let y = Self.number("cy", c) else { return nil }
            return (x, y)
        }
    }
}
