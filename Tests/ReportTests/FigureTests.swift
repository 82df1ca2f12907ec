import EBMCore
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Report

@Suite struct FigureTests {
    let box = PlotBox.rings

    @Test("the energy figure embeds one PNG of the grid's size plus the colour bar, and parses")
    func energy() throws {
        let grid = DemoFixtures.ringEnergyGrid(box: box, nx: 60, ny: 40)
        let samples = DemoFixtures.ringPoints(25, seed: 5)
        let svg = Figures.energyFigure(grid: grid, box: box, samples: samples)
        let root = try #require(try Check.xmlRoot(svg))
        #expect(Check.elements(named: "image", in: root).count == 2)  // heat map + colour bar
        #expect(Check.elements(named: "circle", in: root).count == 25)
        #expect(Check.elements(named: "rect", in: root).count < 20)  // no per-cell rects
        let pngs = Check.embeddedPNGs(svg)
        let heat = try #require(pngs.first.flatMap(Check.chunks))
        #expect(heat.allSatisfy { $0.crcMatches })
        #expect(Check.readUInt32(heat[0].data, 0) == 60 && Check.readUInt32(heat[0].data, 4) == 40)
        let idat = heat.filter { $0.type == "IDAT" }.flatMap(\.data)
        #expect(Check.inflate(idat, expected: 40 * (60 * 3 + 1))?.count == 40 * (60 * 3 + 1))
    }

    @Test("density on the grid integrates to 1 and survives huge and infinite energies")
    func density() throws {
        var grid = DemoFixtures.ringEnergyGrid(box: box, nx: 50, ny: 50)
        // Shifting the energy by a constant must not matter: 1e4 would overflow a naive exp.
        for k in grid.storage.indices { grid.storage[k] -= 1e4 }
        grid.storage[0] = .infinity
        grid.storage[1] = .nan
        let p = Figures.normalizedDensity(energyGrid: grid, box: box)
        let integral = p.storage.reduce(0, +) * box.cellArea(columns: 50, rows: 50)
        // 1e-12: a sum of 2500 positive terms normalised by their own sum.
        let sumTolerance = 1e-12
        #expect(abs(integral - 1) < sumTolerance)
        #expect(p.storage[0] == 0 && p.storage[1] == 0)
        let svg = Figures.densityFigure(grid: grid, box: box)
        #expect(try Check.xmlRoot(svg) != nil)
        #expect(Check.count("<image", in: svg) == 2)
    }

    @Test("the score figure calls the closure on both grids and draws arrows over the magnitude")
    func score() throws {
        var calls: [Int] = []
        let svg = Figures.scoreFigure(score: { points in
            calls.append(points.rows)
            return DemoFixtures.ringScore(points)
        }, box: box, resolution: 30, arrowsPerSide: 9)
        #expect(calls == [900, 81])
        let root = try #require(try Check.xmlRoot(svg))
        let arrows = Check.elements(named: "path", in: root).filter { Check.attribute("class", of: $0) == "arrows" }
        #expect(arrows.count == 1)
        // Each arrow is one "M…L…M…L…L…" group: at least 60 of the 81 are long enough to draw.
        let moves = Check.count("M", in: arrows.first.flatMap { Check.attribute("d", of: $0) } ?? "")
        #expect(moves >= 2 * 60)
        #expect(Check.embeddedPNGs(svg).count == 2)
    }

    @Test("scaled arrows never exceed 85 % of the spacing and keep their direction")
    func arrowScaling() {
        let vectors = Matrix([[3, 4], [300, 400], [0, 0], [Double.nan, 1], [-0.3, 0]])
        let scaled = Figures.scaledArrows(vectors, spacing: 0.2)
        // 1e-12: a product of a few doubles.
        let lengthTolerance = 1e-12
        for r in 0..<scaled.rows where scaled[r, 0].isFinite {
            let length = (scaled[r, 0] * scaled[r, 0] + scaled[r, 1] * scaled[r, 1]).squareRoot()
            #expect(length <= 0.85 * 0.2 + lengthTolerance)
            #expect(abs(scaled[r, 0] * vectors[r, 1] - scaled[r, 1] * vectors[r, 0]) < lengthTolerance)
        }
        #expect(scaled[2, 0].isNaN && scaled[3, 0].isNaN)
    }

    @Test("the samples figure has one circle per sample and per data point, a legend, equal aspect")
    func samples() throws {
        let data = DemoFixtures.ringPoints(300, seed: 1)
        let samples = DemoFixtures.ringPoints(120, seed: 2)
        let svg = Figures.samplesFigure(samples: samples, data: data, box: box)
        let root = try #require(try Check.xmlRoot(svg))
        let groups = Check.elements(named: "g", in: root).filter { Check.attribute("class", of: $0) == "points" }
        #expect(groups.map { Check.elements(named: "circle", in: $0).count } == [300, 120])
        #expect(Set(groups.compactMap { Check.attribute("fill", of: $0) }).count == 2)
        #expect(svg.contains("held-out data") && svg.contains("class=\"legend\""))
    }

    @Test("a long loss history is downsampled with an envelope; non-finite values are skipped")
    func loss() throws {
        var history = DemoFixtures.lossHistory(10_000, seed: 3)
        history[17] = .infinity
        let svg = Figures.lossFigure(history: history)
        let root = try #require(try Check.xmlRoot(svg))
        let polylines = Check.elements(named: "polyline", in: root)
        let pointCounts = polylines.map { (Check.attribute("points", of: $0) ?? "").split(separator: " ").count }
        #expect(pointCounts.reduce(0, +) <= Figures.lossPointLimit + 10)
        #expect(Check.elements(named: "polygon", in: root).count == 1)
        #expect(!svg.contains("nan") && !svg.contains("inf"))
        let short = Figures.lossFigure(history: [1, .nan, 0.5, 0.25])
        #expect(try Check.xmlRoot(short) != nil)
        #expect(try Check.xmlRoot(Figures.lossFigure(history: [])) != nil)
        #expect(try Check.xmlRoot(Figures.lossFigure(history: [.nan, .nan])) != nil)
    }

    @Test("the moving average is the trailing mean of the finite values in the window")
    func movingAverage() {
        let ma = Figures.movingAverage([1, 2, .nan, 4, 5], window: 2)
        #expect(ma[0] == 1 && ma[1] == 1.5 && ma[2] == 2 && ma[3] == 4 && ma[4] == 4.5)
    }

    @Test("plot boxes: course boxes, covering box, grid points at cell centres bottom row first")
    func plotBoxes() {
        #expect(PlotBox.of(.gaussians).xRange == -5...5)
        #expect(PlotBox.of(.swissRoll).yRange == -3...3)
        #expect(PlotBox.of(.rings).xRange == -1.5...1.5)
        let covering = PlotBox.covering(Matrix([[0, 0], [2, 1], [Double.nan, 50]]), margin: 0.1)
        // 1e-12: both sides come from the same half-width, up to rounding of the centre.
        let sideTolerance = 1e-12
        #expect(abs(covering.width - covering.height) < sideTolerance)
        #expect(covering.xRange.lowerBound < 0 && covering.xRange.upperBound > 2)
        #expect(covering.yRange.lowerBound < 0 && covering.yRange.upperBound > 1)
        let g = PlotBox(halfWidth: 1).gridPoints(columns: 4, rows: 2)
        #expect(g.rows == 8)
        #expect(g.row(0) == [-0.75, -0.5] && g.row(3) == [0.75, -0.5] && g.row(4) == [-0.75, 0.5])
    }

    @Test("a 200 × 200 energy grid renders quickly (time printed, not asserted)")
    func renderSpeed() {
        let grid = DemoFixtures.ringEnergyGrid(box: box, nx: 200, ny: 200)
        let clock = ContinuousClock()
        var svg = ""
        let elapsed = clock.measure { svg = Figures.energyFigure(grid: grid, box: box) }
        print("energyFigure 200×200: \(elapsed), \(svg.utf8.count) bytes")
        #expect(Check.embeddedPNGs(svg).count == 2)
    }
}
