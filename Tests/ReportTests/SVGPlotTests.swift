import EBMCore
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Report

@Suite struct SVGPlotTests {
    static func samplePlot(title: String = "A <title> & \"quotes\"") -> SVGPlot {
        var plot = SVGPlot(xRange: -2...2, yRange: -1...3, equalAspect: true, title: title,
                           xLabel: "x_1 < 2", yLabel: "y")
        plot.addLine(xs: [-2, -1, .nan, 0, 1, 2], ys: [0, 1, 1, 2, .infinity, 3], color: "#123456", label: "line")
        plot.addPoints(Matrix([[0, 0], [1, 1], [Double.nan, 0], [5, 5]]), color: "#ff0000", label: "points")
        plot.addArrows(origins: Matrix([[0, 0]]), vectors: Matrix([[1, 0]]), color: "#000000")
        plot.setColorBar(colorMap: .viridis, range: 0...10, label: "value")
        return plot
    }

    @Test("an SVG with every mark kind parses as XML and escapes its text")
    func wellFormed() throws {
        let svg = Self.samplePlot().render()
        let root = try #require(try Check.xmlRoot(svg))
        #expect(root.name == "svg")
        let texts = Check.elements(named: "text", in: root).compactMap(\.stringValue)
        #expect(texts.contains("A <title> & \"quotes\""))
        #expect(texts.contains("x_1 < 2"))
        #expect(Check.elements(named: "g", in: root).contains { Check.attribute("class", of: $0) == "axes" })
        #expect(Check.elements(named: "g", in: root).contains { Check.attribute("class", of: $0) == "colorbar" })
        #expect(Check.elements(named: "path", in: root).contains { Check.attribute("class", of: $0) == "arrows" })
    }

    @Test("one circle per finite point, and a non-finite value breaks the line")
    func marks() throws {
        let root = try #require(try Check.xmlRoot(Self.samplePlot().render()))
        // 4 rows, one with NaN: 3 circles (the far point is kept and clipped, not dropped).
        #expect(Check.elements(named: "circle", in: root).count == 3)
        // Pieces: [-2,-1] and [0] then [2] alone: only the first has ≥ 2 points.
        #expect(Check.elements(named: "polyline", in: root).count == 1)
    }

    @Test("identical inputs give identical bytes")
    func deterministic() {
        #expect(Self.samplePlot().render() == Self.samplePlot().render())
        #expect(Self.samplePlot().render() != Self.samplePlot(title: "other").render())
    }

    @Test("equal aspect gives the same pixels per unit on both axes")
    func equalAspect() {
        let plot = SVGPlot(width: 600, height: 300, xRange: 0...10, yRange: 0...2, equalAspect: true)
        let frame = plot.layoutFrame()
        // 1e-9 px: the two scales are computed from the same product and differ only by rounding.
        let pixelTolerance = 1e-9
        #expect(abs(frame.width / 10 - frame.height / 2) < pixelTolerance)
        #expect(frame.left >= 0 && frame.right <= 600 && frame.top >= 0 && frame.bottom <= 300)
        // The figure is trimmed to the frame: no empty band wider than the margins.
        let canvas = plot.canvasSize(frame)
        #expect(canvas.width == 600 && canvas.height == frame.bottom + plot.margins.bottom)
    }

    @Test("nice ticks are 1, 2 or 5 times a power of ten, inside the range, about the target count",
          arguments: [(-3.0, 3.0), (0.0, 2999.0), (-0.37, 4.1), (1e-4, 7e-4), (-1.5, 1.5), (12345.0, 12346.0)])
    func niceTicks(lo: Double, hi: Double) throws {
        let (ticks, decimals) = SVGPlot.niceTicks(lo...hi, target: 6)
        #expect(ticks.count >= 3 && ticks.count <= 13)
        #expect(ticks.allSatisfy { $0 >= lo - 1e-9 * (hi - lo) && $0 <= hi + 1e-9 * (hi - lo) })
        let step = ticks[1] - ticks[0]
        let mantissa = step / pow(10, floor(log10(step)))
        // 1e-6: the mantissa comes from a division by a power of ten, exact to a few ulps.
        let mantissaTolerance = 1e-6
        #expect([1.0, 2, 5, 10].contains { abs($0 - mantissa) < mantissaTolerance })
        // Labels are distinct: enough decimals for the step.
        let labels = ticks.map { SVGPlot.tickLabel($0, decimals: decimals, ticks: ticks) }
        #expect(Set(labels).count == labels.count)
    }

    @Test("fixed and significant number text")
    func numberText() {
        #expect(NumberText.fixed(1.25, decimals: 1) == "1.3")
        #expect(NumberText.fixed(-0.004, decimals: 2) == "0.00")
        #expect(NumberText.fixed(-3.14159, decimals: 3) == "-3.142")
        #expect(NumberText.fixed(7, decimals: 0) == "7")
        #expect(NumberText.fixed(.nan, decimals: 2) == "nan")
        #expect(NumberText.significant(1.23456, digits: 3) == "1.23")
        #expect(NumberText.significant(0.000123456, digits: 3) == "1.23e-04")
        #expect(NumberText.significant(9.9996, digits: 4) == "10.00")
        #expect(NumberText.significant(-1234567, digits: 2) == "-1.2e+06")
        #expect(NumberText.significant(0, digits: 4) == "0")
        #expect(NumberText.significant(0.5, digits: 2) == "0.50")
    }
}
