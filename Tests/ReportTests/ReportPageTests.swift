import EBMCore
import Foundation
import Testing
@testable import Report

@Suite struct ReportPageTests {
    static func figures() -> [FigureSVG] {
        let box = PlotBox.rings
        let data = DemoFixtures.ringPoints(50, seed: 1)
        return [
            FigureSVG(title: "energy", svg: Figures.energyFigure(grid: DemoFixtures.ringEnergyGrid(box: box, nx: 30, ny: 30), box: box)),
            FigureSVG(title: "samples <&>", svg: Figures.samplesFigure(samples: data, data: data, box: box)),
            FigureSVG(title: "loss", svg: Figures.lossFigure(history: DemoFixtures.lossHistory(100, seed: 1))),
        ]
    }

    @Test("a run report is balanced HTML with the metrics in order, the hyperparameters and every figure inline")
    func runReport() throws {
        let report = RunReport(
            title: "ml on rings <seed 0>", notes: ["status ok", "12.5 s"],
            metrics: ["precision": 0.9, "oracle_nll": 0.7, "kde_nll": 0.82, "floor_kde_nll": 0.75, "zeta": 1],
            hyperparameters: HyperparameterTable(config: .defaults(for: .ml), evaluation: .defaults(for: .ml)),
            figures: Self.figures())
        let html = report.html()
        #expect(Check.htmlBalanceProblem(html) == nil)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("ml on rings &lt;seed 0&gt;"))
        #expect(Check.count("<svg", in: html) == 3)
        #expect(Check.count("<figcaption>", in: html) == 3)
        #expect(html.contains("samples &lt;&amp;&gt;"))
        // Anchors sit right after the ranking metric; unknown metrics come last.
        let order = ["kde_nll", "floor_kde_nll", "oracle_nll", "precision", "zeta"]
        let positions = order.compactMap { html.range(of: "<td>\($0)</td>")?.lowerBound }
        #expect(positions.count == order.count && positions == positions.sorted())
        #expect(html.contains("<td>langevin_steps</td>"))
    }

    @Test("the page loads nothing from outside and runs no script")
    func selfContained() {
        let html = RunReport(title: "t", metrics: [:], figures: Self.figures()).html()
        #expect(!html.contains("<script"))
        #expect(!html.contains("<link"))
        // The only URLs are the SVG namespace and inline data: no src= or external href.
        #expect(!html.contains("src="))
        #expect(!html.contains("href=\"http"))
    }

    @Test("a sweep report holds the ranking and one section per best configuration")
    func sweepReport() {
        let ranking = Table(columns: ["rank", "config", "kde_nll"], rows: [
            [.integer(1), .text("abc"), .meanStd(mean: 0.8, std: 0.02)],
            [.integer(2), .text("def"), .meanStd(mean: 0.9, std: 0.05)],
        ])
        let sections = ["1-abc", "2-def"].map {
            SweepReport.Section(title: $0, metrics: ["kde_nll": 0.8],
                                hyperparameters: HyperparameterTable(config: .defaults(for: .dsm)),
                                figures: Self.figures())
        }
        let html = SweepReport(title: "ml_swiss", summary: ["3 seeds"], ranking: ranking, sections: sections).html()
        #expect(Check.htmlBalanceProblem(html) == nil)
        #expect(html.contains("0.8000 ± 0.02000"))  // the table's default 4 significant digits
        #expect(Check.count("<section>", in: html) == 2)
        #expect(Check.count("<svg", in: html) == 6)
        // Figures of different content get different clip ids, so one page can hold them all.
        let ids = html.components(separatedBy: "clipPath id=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(Set(ids).count == 3)
    }
}
