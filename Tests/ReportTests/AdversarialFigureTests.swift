import EBMCore
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Report

/// Figures and tables are total functions: every builder, fed the numbers a broken or hostile
/// worker can put in a RESULT (subnormals, ±∞, NaN, the largest doubles, constant and empty
/// series), returns well-formed XML of bounded size, with no NaN or ∞ in a coordinate. A loss
/// history of [0, 1e-310] × 25 once made the tick step 0 and the tick list endless.
@Suite struct AdversarialFigureTests {
    static let largest = Double.greatestFiniteMagnitude
    static let special: [Double] = [0, -0.0, 1e-310, -1e-310, 5e-324, .leastNormalMagnitude, 1, -1, 1 + 2e-16,
                                    1e300, -1e300, 1e308, -1e308, largest, -largest, .infinity, -.infinity, .nan]

    /// Series: each special value constant, pairs of specials alternating, the history,
    /// empty and single-element ones, and a long mixed one.
    static var series: [[Double]] {
        var out: [[Double]] = [[], [.nan], [.infinity], [1e-310], [0, 1e-310]]
        out.append(Array(repeating: [0, 1e-310], count: 25).flatMap { $0 })
        for a in special { out.append(Array(repeating: a, count: 7)) }
        for (i, a) in special.enumerated() {
            let b = special[(i * 7 + 3) % special.count]
            out.append((0..<40).map { $0 % 2 == 0 ? a : b })
        }
        out.append((0..<5000).map { special[($0 * 13) % special.count] })
        return out
    }

    /// Point clouds [n, 2] from the specials (every pair once), and degenerate ones.
    static var clouds: [Matrix] {
        var pairs: [[Double]] = []
        for a in special { for b in special { pairs.append([a, b]) } }
        return [Matrix(rows: 0, columns: 2), Matrix(pairs), Matrix([[1e-310, 0], [0, 1e-310]]),
                Matrix([[-largest, -largest], [largest, largest]]), Matrix([[.nan, .nan]])]
    }

    static var boxes: [PlotBox] {
        [.rings, PlotBox(halfWidth: 5e-324), PlotBox(halfWidth: 1e-310), PlotBox(halfWidth: 1e300),
         PlotBox(x: 1e308...1.7e308, y: -1...1)] + clouds.map { PlotBox.covering($0) }
    }

    /// A grid [4, 5] whose cells cycle through the specials from `offset`.
    static func grid(_ offset: Int) -> Matrix {
        Matrix(rows: 4, columns: 5, storage: (0..<20).map { special[($0 + offset) % special.count] })
    }

    /// Well-formed XML; no NaN or ∞ outside the embedded PNGs; at most `limit` bytes.
    static func checkSVG(_ svg: String, limit: Int, _ what: String) {
        #expect(svg.utf8.count <= limit, "\(what): \(svg.utf8.count) bytes")
        #expect((try? Check.xmlRoot(svg)) != nil, "\(what): not well-formed XML")
        let text = svg.replacingOccurrences(of: "data:image/png;base64,[^\"]*", with: "", options: .regularExpression)
        #expect(!text.contains("nan") && !text.contains("inf"), "\(what): a non-finite number was printed")
    }

    @Test("the loss figure is bounded and well-formed for every adversarial history")
    func lossFigure() {
        for (i, history) in Self.series.enumerated() {
            Self.checkSVG(Figures.lossFigure(history: history), limit: 300_000, "series \(i)")
        }
        // The length is bounded too: 10^5 alternating subnormals draw as 1000 buckets.
        let long = (0..<100_000).map { $0 % 2 == 0 ? 0 : 1e-310 }
        Self.checkSVG(Figures.lossFigure(history: long), limit: 300_000, "100 000 subnormals")
    }

    @Test("heat maps, samples and datasets are bounded and well-formed for adversarial grids, points and boxes")
    func spatialFigures() {
        for (b, box) in Self.boxes.enumerated() {
            for (c, cloud) in Self.clouds.enumerated() {
                let limit = 60_000 + 120 * cloud.rows
                let what = "box \(b), cloud \(c)"
                Self.checkSVG(Figures.samplesFigure(samples: cloud, data: cloud, box: box), limit: 2 * limit, what)
                Self.checkSVG(Figures.datasetFigure(data: cloud, box: box), limit: limit, what)
                let grid = Self.grid(b + c)
                Self.checkSVG(Figures.energyFigure(grid: grid, box: box, samples: cloud), limit: limit, what)
                Self.checkSVG(Figures.densityFigure(grid: grid, box: box, samples: cloud), limit: limit, what)
                let origins = box.gridPoints(columns: 3, rows: 3)
                let vectors = Matrix(rows: 9, columns: 2, storage: (0..<18).map { Self.special[($0 + b + c) % Self.special.count] })
                Self.checkSVG(Figures.scoreFigure(magnitude: grid, arrowOrigins: origins, arrowVectors: vectors, box: box,
                                                  arrowSpacing: box.width / 3, samples: cloud), limit: limit, what)
            }
        }
    }

    @Test("every constant and alternating grid gives a density figure and a colour bar")
    func constantGrids() {
        for a in Self.special {
            for b in Self.special {
                let grid = Matrix(rows: 2, columns: 2, storage: [a, b, a, b])
                Self.checkSVG(Figures.energyFigure(grid: grid, box: .rings), limit: 40_000, "energy \(a), \(b)")
                Self.checkSVG(Figures.densityFigure(grid: grid, box: .rings), limit: 40_000, "density \(a), \(b)")
            }
        }
    }

    @Test("a plot over any range its initializer admits has at most maxTicks ticks per axis")
    func ticks() {
        let ranges: [ClosedRange<Double>] = [0...5e-324, 0...1e-310, -1e-310...1e-310, 1...(1 + 2.220446049250313e-16),
                                             1e308...1.7e308, -8e307...8e307, 1e300...(1e300 + 1e290), -5...5]
        for range in ranges {
            for target in [1, 3, 7, 1000] {
                let ticks = SVGPlot.niceTicks(range, target: target)
                #expect(!ticks.ticks.isEmpty && ticks.ticks.count <= SVGPlot.maxTicks, "\(range), target \(target)")
                #expect(ticks.ticks.allSatisfy { $0.isFinite })
            }
            var plot = SVGPlot(xRange: range, yRange: range, showGrid: true)
            plot.addLine(xs: [range.lowerBound, range.upperBound], ys: [range.upperBound, range.lowerBound], color: "#000000")
            plot.setColorBar(colorMap: .viridis, range: range, label: "bar")
            Self.checkSVG(plot.render(), limit: 40_000, "\(range)")
        }
    }

    @Test("numbers print in bounded text for every double")
    func numberText() {
        for v in Self.special + [1.7976931348623157e308, 9.9999e307, 4.9e-324, 9.5e-4, 999_999.5] {
            for digits in [1, 3, 4, 6, 12] {
                let text = NumberText.significant(v, digits: digits)
                #expect(!text.isEmpty && text.count <= 30, "\(v), \(digits) digits: \(text)")
            }
            #expect(NumberText.fixed(v, decimals: 2).count <= 30)
        }
        #expect(NumberText.significant(1e-310, digits: 3) == "1.00e-310")
        #expect(NumberText.significant(.greatestFiniteMagnitude, digits: 3) == "1.80e+308")
    }

    @Test("tables and report pages of adversarial metrics render and balance in every format")
    func tables() {
        var table = Table(columns: ["name", "value", "spread"])
        for (i, v) in Self.special.enumerated() {
            table.append([.text("m\(i)"), .number(v), .meanStd(mean: v, std: Self.special[(i + 5) % Self.special.count])])
        }
        for text in [table.csv(), table.markdown(), table.latex(caption: "c", label: "l")] {
            #expect(text.utf8.count < 10_000)
        }
        let metrics = Dictionary(uniqueKeysWithValues: Self.special.enumerated().map { ("m\($0.offset)", $0.element) })
        let figure = FigureSVG(title: "loss", svg: Figures.lossFigure(history: Array(repeating: [0, 1e-310], count: 25).flatMap { $0 }))
        let page = RunReport(title: "t", metrics: metrics, figures: [figure]).html()
        #expect(Check.htmlBalanceProblem(page) == nil)
        #expect(Check.htmlBalanceProblem(table.html()) == nil)
    }

    @Test("raster images and colour maps take any value and any range")
    func rasters() {
        let ranges: [ClosedRange<Double>] = [0...5e-324, -Self.largest...Self.largest, 0...0, -1...1, 1e308...Self.largest]
        for range in ranges {
            let image = RasterImage(grid: Self.special, rows: 1, columns: Self.special.count, range: range, colorMap: .inferno)
            #expect(image.pixels.count == Self.special.count * 3)
        }
        for v in Self.special { _ = ColorMap.viridis.color(at: v) }
    }
}
