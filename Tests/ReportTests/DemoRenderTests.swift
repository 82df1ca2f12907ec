import EBMCore
import Foundation
import Testing
@testable import Report

/// Writes every figure kind to `$REPORT_DEMO_DIR` (when set) for a look with `rsvg-convert`.
@Suite struct DemoRenderTests {
    @Test("demo figures are written when REPORT_DEMO_DIR is set")
    func writeDemo() throws {
        guard let dir = ProcessInfo.processInfo.environment["REPORT_DEMO_DIR"] else { return }
        let box = PlotBox.rings
        let grid = DemoFixtures.ringEnergyGrid(box: box, nx: 200, ny: 200)
        let data = DemoFixtures.ringPoints(2000, seed: 1)
        let samples = DemoFixtures.ringPoints(1000, seed: 2, noise: 0.06)
        let figures: [(String, String)] = [
            ("energy", Figures.energyFigure(grid: grid, box: box, samples: samples)),
            ("density", Figures.densityFigure(grid: grid, box: box)),
            ("score", Figures.scoreFigure(score: DemoFixtures.ringScore, box: box)),
            ("samples", Figures.samplesFigure(samples: samples, data: data, box: box)),
            ("loss", Figures.lossFigure(history: DemoFixtures.lossHistory(3000, seed: 3))),
            ("loss_short", Figures.lossFigure(history: DemoFixtures.lossHistory(300, seed: 3))),
            ("dataset", Figures.datasetFigure(data: data, box: PlotBox.covering(data, margin: 0.1))),
        ]
        for (name, svg) in figures {
            try ReportFile.write(svg, to: dir + "/" + name + ".svg")
        }
    }
}
