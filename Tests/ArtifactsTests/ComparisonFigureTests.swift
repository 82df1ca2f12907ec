import EBMCore
import Foundation
import Report
import Store
import Sweep
import Testing
import TestSupport
@testable import Artifacts

/// The comparison figures of a sweep database built in the test: each is well-formed SVG that
/// rsvg-convert renders, has its PDF, and shows exactly the stored results.
@Suite("Comparison figures", .serialized)
struct ComparisonFigureTests {
    /// One configuration diverges on every seed, another on one seed.
    static func fixture() throws -> SweepDatabaseFixture {
        try SweepDatabaseFixture { job in
            let c = job.config
            if c.lr > 2e-3 && c.langevinStepSize < 1e-3 && c.langevinSteps == 10 { return .diverged }
            if c.lr > 2e-3 && c.langevinStepSize > 1e-3 && c.langevinSteps == 10 && job.seed == 1 { return .diverged }
            return .ok
        }
    }

    static func stored(_ fixture: SweepDatabaseFixture) throws -> [(job: Job, kde: Double)] {
        let jobs = Dictionary(uniqueKeysWithValues: fixture.jobs.map { ($0.id, $0) })
        return try fixture.store.results().compactMap { r in
            guard r.status == .ok, let job = jobs[r.jobID], let kde = r.metrics["kde_nll"] else { return nil }
            return (job, kde)
        }
    }

    @Test("every figure is well-formed SVG that rsvg-convert renders, with a PDF beside it")
    func rendered() throws {
        let fixture = try Self.fixture()
        try fixture.writeArtifacts()
        let names = try FileManager.default.contentsOfDirectory(atPath: fixture.path("figures")).sorted()
        let svgs = names.filter { $0.hasSuffix(".svg") }
        #expect(svgs == ["heatmap.svg", "loss-top.svg", "metric-vs-langevin_step_size.svg", "metric-vs-langevin_steps.svg",
                         "metric-vs-lr.svg", "parallel.svg", "samples-top.svg"])
        for svg in svgs {
            _ = try SVGInspection(try fixture.read("figures/\(svg)"))
            let pdf = "figures/" + svg.replacingOccurrences(of: ".svg", with: ".pdf")
            let bytes = try #require(FileManager.default.contents(atPath: fixture.path(pdf)))
            #expect(bytes.starts(with: Array("%PDF".utf8)), "\(pdf) is not a PDF")
            let png = svg.replacingOccurrences(of: ".svg", with: ".png")
            let run = try ExternalTool.run("rsvg-convert", ["-f", "png", "-o", png, "figures/\(svg)"],
                                           in: URL(fileURLWithPath: fixture.directory), package: "librsvg2-bin")
            #expect(run.status == 0, "rsvg-convert \(svg): \(run.output)")
        }
    }

    @Test("metric against each hyperparameter: one dot per ok seed, at the stored value")
    func metricPoints() throws {
        let fixture = try Self.fixture()
        try fixture.writeArtifacts()
        let stored = try Self.stored(fixture).map(\.kde).sorted()
        #expect(stored.count == 24 - 3 - 1)
        for name in ["lr", "langevin_step_size", "langevin_steps"] {
            let figure = try SVGInspection(try fixture.read("figures/metric-vs-\(name).svg"))
            let shown = try figure.points.map { try #require(figure.yValue(ofPixel: $0.y)) }.sorted()
            #expect(shown.count == stored.count)
            // Pixels are written to 0.01 px; at ~300 px for ~0.8 in the metric that is ~3e-5.
            #expect(zip(shown, stored).allSatisfy { abs($0 - $1) < 1e-3 }, "\(name): \(shown) vs \(stored)")
        }
        #expect(try fixture.read("figures/metric-vs-lr.svg").contains("1 configuration without an ok seed not shown"))
    }

    @Test("the main-effect line averages only configurations without a diverged seed")
    func mainEffect() throws {
        let fixture = try Self.fixture()
        try fixture.writeArtifacts()
        let figure = try SVGInspection(try fixture.read("figures/metric-vs-langevin_steps.svg"))
        let dashed = figure.elements("polyline").filter { SVGInspection.attribute("stroke-dasharray", $0) != nil }
        let line = try #require(dashed.first.flatMap { SVGInspection.attribute("points", $0) })
        let pixels = line.split(separator: " ").compactMap { Double($0.split(separator: ",")[1]) }
        let ys = pixels.compactMap { figure.yValue(ofPixel: $0) }
        try #require(ys.count == 2)
        // The fixture's langevin_steps are 10 and 20; at 10 one configuration diverged on one seed.
        let stored = try Self.stored(fixture)
        let diverged = try Set(fixture.store.results().filter { $0.status == .diverged }.map { r in
            fixture.jobs.first { $0.id == r.jobID }!.configID
        })
        for (i, steps) in [10, 20].enumerated() {
            let configurations = Dictionary(grouping: stored.filter { $0.job.config.langevinSteps == steps && !diverged.contains($0.job.configID) },
                                            by: { $0.job.configID }).values
            let means = configurations.map { runs in runs.map(\.kde).reduce(0, +) / Double(runs.count) }
            let expected = means.reduce(0, +) / Double(means.count)
            #expect(abs(ys[i] - expected) < 1e-3, "steps \(steps): line at \(ys[i]), expected \(expected)")
        }
    }

    @Test("the heat map's cells are the stored means over the two most important hyperparameters")
    func heatMap() throws {
        let fixture = try Self.fixture()
        try fixture.writeArtifacts()
        let svg = try fixture.read("figures/heatmap.svg")
        #expect(svg.contains("kde_nll over lr × langevin_step_size"))
        // The fixture's grid lacks a configuration, so there is no importance: the caption says how
        // the pair was chosen instead of calling it the most important.
        let report = try fixture.read("report.html")
        #expect(report.contains("kde_nll over the two hyperparameters with the widest spread of means"))
        #expect(!report.contains("over the two most important hyperparameters"))
        // Cell (lr 1e-3, step 2e-3): the mean of its two configurations' seed means.
        let stored = try Self.stored(fixture)
        let cell = Dictionary(grouping: stored.filter { $0.job.config.lr < 2e-3 && $0.job.config.langevinStepSize > 1e-3 },
                              by: { $0.job.configID }).values.map { runs in runs.map(\.kde).reduce(0, +) / Double(runs.count) }
        let expected = cell.reduce(0, +) / Double(cell.count)
        let texts = try SVGInspection(svg).elements("text").compactMap { $0.stringValue.flatMap(Double.init) }
        // Printed to three significant digits (1.87): within half a unit of the last digit.
        #expect(texts.contains { abs($0 - expected) <= 0.005 }, "no cell shows \(expected)")
    }

    @Test("parallel coordinates draw every configuration, the ones without an ok seed grey and dashed")
    func parallel() throws {
        let fixture = try Self.fixture()
        try fixture.writeArtifacts()
        let figure = try SVGInspection(try fixture.read("figures/parallel.svg"))
        let lines = figure.elements("polyline").filter { SVGInspection.attribute("class", $0) == "configuration" }
        #expect(lines.count == 8)
        let grey = lines.filter { SVGInspection.attribute("stroke-dasharray", $0) != nil }
        #expect(grey.count == 1 && grey.allSatisfy { SVGInspection.attribute("stroke", $0) == "#b0b0b0" })
        // The best configuration is drawn last, on top.
        let ranked = try fixture.writeArtifacts()
        #expect(lines.last.flatMap { SVGInspection.attribute("data-config", $0) } == ranked.first?.configID)
    }

    @Test("the loss comparison shows the top five and says where its axis cuts the shared spike")
    func lossComparison() throws {
        let fixture = try Self.fixture()
        try fixture.writeArtifacts()
        let svg = try fixture.read("figures/loss-top.svg")
        #expect((1...5).allSatisfy { svg.contains(">#\($0) ") } && !svg.contains(">#6 "))
        #expect(svg.contains("loss axis cut at") && svg.contains("up to 43"))
        let samples = try SVGInspection(try fixture.read("figures/samples-top.svg"))
        #expect(samples.elements("svg").filter { SVGInspection.attribute("class", $0) == "panel" }.count == 4)
    }

    @Test("report.html inlines every comparison figure and the importance table")
    func report() throws {
        let fixture = try Self.fixture()
        try fixture.writeArtifacts()
        let html = try fixture.read("report.html")
        for name in ["heatmap", "loss-top", "metric-vs-lr", "parallel", "samples-top"] {
            #expect(html.contains("figures/\(name).svg"))
        }
        // One configuration diverged on every seed: the grid has a hole, and the page says why there are no shares.
        #expect(html.contains("<h2>Hyperparameter importance</h2>") && html.contains("Not computed: needs the complete grid: 7 configurations with an ok seed of 8"))
        #expect(!html.contains("<img"), "figures are inline, the page is self-contained")
    }
}
