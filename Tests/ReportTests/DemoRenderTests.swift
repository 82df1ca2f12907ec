import EBMCore
import Foundation
import Testing
@testable import Report

/// Writes every figure kind to `$REPORT_DEMO_DIR` (when set) for a look with `rsvg-convert`.
@Suite struct DemoRenderTests {
    /// 1000·‖x‖² − 50 with a bump: energies in the tens of thousands, for colour-bar labels.
    static func wideEnergy() -> Matrix {
        let points = PlotBox.gaussians.gridPoints(columns: 120, rows: 120)
        var grid = Matrix(rows: 120, columns: 120)
        for k in 0..<points.rows {
            let x = points[k, 0], y = points[k, 1]
            grid.storage[k] = 1000 * (x * x + y * y) - 50 - 8000 * exp(-((x - 2) * (x - 2) + y * y))
        }
        return grid
    }

    static func save(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

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
            ("energy_wide", Figures.energyFigure(grid: Self.wideEnergy(), box: .gaussians,
                                                 title: "Energy on the gaussians box, large values")),
            ("samples_rect", Figures.samplesFigure(samples: samples, data: data,
                                                   box: PlotBox(x: -3...3, y: -1.2...1.2), title: "Non-square box")),
        ]
        for (name, svg) in figures {
            try Self.save(svg, to: dir + "/" + name + ".svg")
        }
        let hyperparameters = HyperparameterTable(config: .defaults(for: .ml), evaluation: .defaults(for: .ml))
        try Self.save(hyperparameters.markdown(), to: dir + "/hyperparameters.md")
        try Self.save(hyperparameters.latex(label: "tab:demo-hyperparameters"), to: dir + "/hyperparameters.tex")
        let report = RunReport(title: "ml on rings, seed 0", notes: ["status ok", "41.2 s"],
                               metrics: ["kde_nll": 0.82, "floor_kde_nll": 0.61, "oracle_nll": 0.58, "precision": 0.93,
                                         "recall": 0.88, "mmd": 0.0028, "escaped": 0],
                               hyperparameters: hyperparameters,
                               figures: figures.map { FigureSVG(title: $0.0 + ".svg", svg: $0.1) })
        try Self.save(report.html(), to: dir + "/report.html")
    }
}
