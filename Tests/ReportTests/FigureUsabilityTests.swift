import EBMCore
import Foundation
import Testing
@testable import Report

/// Figures a report can use as they are: axes that show or say, ticks that match, labels in place.
@Suite struct FigureUsabilityTests {
    @Test("the loss axis shows the whole curve when nothing flattens it")
    func wholeCurve() {
        let history = (0..<500).map { 3 * exp(-Double($0) / 100) + 1 }
        let axis = Figures.lossAxis(raw: history)
        #expect(axis.note.isEmpty)
        #expect(axis.range.lowerBound < history.min()! && axis.range.upperBound > history.max()!)
    }

    @Test("a spike is cut off the loss axis, and the figure says where and how much")
    func clippedCurve() {
        var history = (0..<500).map { 3 * exp(-Double($0) / 100) + 1 }
        history[7] = 500
        let axis = Figures.lossAxis(raw: history)
        #expect(axis.range.upperBound < 10 && axis.range.upperBound >= history[0] && axis.range.lowerBound < history.min()!)
        #expect(axis.note.contains("1 above, up to 500"))
        #expect(Figures.lossFigure(history: history).contains("loss axis cut at"))
        let extreme = Figures.lossAxis(raw: [1, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]).range
        #expect((extreme.upperBound - extreme.lowerBound).isFinite && extreme.upperBound > extreme.lowerBound)
    }

    @Test("equal axes get equal tick steps even when their spans differ")
    func equalTicks() {
        let plot = SVGPlot(width: 600, height: 480, xRange: -3...3, yRange: -1.5...1.5, equalAspect: true)
        let ticks = plot.resolvedTicks(plot.layoutFrame())
        func steps(_ t: [SVGPlot.Tick]) -> Set<Double> {
            Set(zip(t.dropFirst(), t).map { (($0.value - $1.value) * 1e9).rounded() / 1e9 })
        }
        #expect(steps(ticks.x).count == 1 && steps(ticks.x) == steps(ticks.y))
        #expect(ticks.y.count >= 3)
    }

    @Test("the colour bar's label sits just beyond its tick labels, not at the figure's edge")
    func colorBarLabel() throws {
        var plot = SVGPlot(width: 600, height: 480, xRange: 0...1, yRange: 0...1)
        plot.setColorBar(colorMap: .viridis, range: 0...1, label: "density")
        let svg = plot.render()
        let frame = plot.layoutFrame()
        let label = try #require(svg.components(separatedBy: "class=\"colorbar-label\" x=\"").last?.split(separator: "\"").first)
        let x = try #require(Double(label))
        // Bar at frame.right + 16, 14 px wide; labels "0.0"…"1.0" (3 characters) start 7 px after it.
        #expect(x > frame.right + 16 + 14 + 7 + 3 * 6 && x < frame.right + 16 + 14 + 7 + 3 * 7 + 20)
    }

    @Test("the successive-halving hook draws survivors in colour and stopped configurations grey")
    func intermediate() throws {
        let curves = [
            Figures.IntermediateCurve(label: "#1", iterations: [100, 300, 900], values: [2.5, 2.1, 1.9], stopped: false),
            Figures.IntermediateCurve(label: "#2", iterations: [100, 300], values: [2.6, 2.4], stopped: true),
            Figures.IntermediateCurve(label: "#3", iterations: [100], values: [3.0], stopped: true),
        ]
        let svg = try #require(Figures.intermediateMetricFigure(curves, metric: "kde_nll"))
        #expect(Check.count("<circle", in: svg) == 6)
        #expect(svg.contains("#b0b0b0") && svg.contains("stopped early"))
        #expect(Figures.intermediateMetricFigure([], metric: "kde_nll") == nil)
    }

    @Test("the best over time: a step per change, a dot per configuration but the worst fifth, counted, racing marked")
    func bestOverTime() throws {
        let best = [Figures.TimedValue(minutes: 1, value: 2.0), Figures.TimedValue(minutes: 4, value: 1.5)]
        // Ten configurations: the two that were best, seven close behind, one far worse (1e6).
        let entries = best + (0..<7).map { Figures.TimedValue(minutes: 2 + Double($0), value: 1.6 + 0.05 * Double($0)) }
            + [Figures.TimedValue(minutes: 9, value: 1e6)]
        let svg = try #require(Figures.bestOverTimeFigure(best: best, entries: entries, raceStart: 8, end: 10,
                                                          metric: "kde_nll", higherIsBetter: false))
        // The better 80 % of ten (to 1.9), and 2.0, no worse than the first best; 1e6 left out.
        #expect(Check.count("<circle", in: svg) == 9 + 1, "nine configurations and where the best ended")
        #expect(svg.contains("the 1 worst configuration not drawn"))
        #expect(svg.contains("racing began") && svg.contains("best so far"))
        // Higher is better: the far-worse dot is the lowest one instead.
        let flipped = try #require(Figures.bestOverTimeFigure(
            best: best.map { .init(minutes: $0.minutes, value: -$0.value) },
            entries: entries.map { .init(minutes: $0.minutes, value: -$0.value) }, raceStart: nil, end: 10,
            metric: "recall", higherIsBetter: true))
        #expect(flipped.contains("the 1 worst configuration not drawn") && !flipped.contains("racing began"))
        #expect(Figures.bestOverTimeFigure(best: [], entries: entries, raceStart: nil, end: 10, metric: "kde_nll",
                                           higherIsBetter: false) == nil)
    }
}

/// Metric values at the edges of Double: every comparison figure still renders (no trap on an
/// infinite axis span), and the tables print what they can.
@Suite struct HostileComparisonTests {
    static let configurations: [ConfigurationResults] = [
        ConfigurationResults(rank: 1, configID: "a", values: ["lr": .double(1e-3), "neurons": .int(8)],
                             metricBySeed: [0: -1e308, 1: -1.7e308], seeds: 2, status: .ok),
        ConfigurationResults(rank: 2, configID: "b", values: ["lr": .double(1e-2), "neurons": .int(8)],
                             metricBySeed: [0: 1e308, 1: 1.7e308, 2: .nan], seeds: 3, status: .ok),
        ConfigurationResults(rank: 3, configID: "c", values: ["lr": .double(1e-3), "neurons": .int(16)],
                             metricBySeed: [0: 1e-300], seeds: 2, status: .ok),
        ConfigurationResults(rank: 4, configID: "d", values: ["lr": .double(1e-2), "neurons": .int(16)],
                             metricBySeed: [:], seeds: 2, diverged: 2, status: .diverged),
    ]

    @Test("figures of metrics near ±Double.greatestFiniteMagnitude render")
    func extremes() throws {
        let c = Self.configurations
        for name in ["lr", "neurons"] {
            let svg = try #require(Figures.metricVersusHyperparameter(name, configurations: c, metric: .kdeNLL))
            #expect(try Check.xmlRoot(svg) != nil)
        }
        if let heat = Figures.metricHeatMap(x: "lr", y: "neurons", configurations: c, metric: .kdeNLL) {
            #expect(try Check.xmlRoot(heat) != nil)
        }
        #expect(try Check.xmlRoot(try #require(Figures.parallelCoordinates(configurations: c, swept: ["lr", "neurons"], metric: .kdeNLL))) != nil)
        let curves = [Figures.LossCurves(label: "x", histories: [[1, 1e308, -1e308, .nan], [.infinity]])]
        #expect(try Check.xmlRoot(try #require(Figures.lossComparison(curves))) != nil)
        var welch = c
        welch[1].metricBySeed = [5: 1e308, 6: -1.7e308]  // other seeds than the best: Welch, whose formula overflows
        _ = BestComparison(configurations: welch, metric: .kdeNLL)
        let tables = SweepTables(sweepName: "s", subject: "ml on rings", metric: .kdeNLL, swept: ["lr", "neurons"], configurations: c)
        #expect(tables.markdown().contains("| diverged |") || tables.markdown().contains("diverged"))
        _ = tables.latex(label: "tab:s")
    }
}
