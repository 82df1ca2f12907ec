import EBMCore
import Foundation
import Report
import Sweep

/// The figures that compare a sweep's configurations (`figures/` in the sweep directory, each as
/// SVG and as PDF for LaTeX, and inline in report.html), built from the store's results.
enum SweepFigures {
    /// Configurations whose loss curves are overlaid, and whose samples get a panel.
    static let lossCurves = 5
    static let samplePanels = 4
    /// Points of each kind per sample panel: enough to see the shape, few enough to keep the file small.
    static let pointsPerPanel = 1000
    /// Configurations drawn in the successive-halving figure (the best ones): a file a browser opens.
    static let intermediateCurveLimit = 200

    struct Figure: Equatable {
        /// File name without extension.
        var name: String
        var title: String
        var svg: String
    }

    /// Every comparison figure the results allow, in the report's order. `full` reads a job's whole
    /// result (loss history, samples): asked only for the ok runs of the configurations drawn.
    /// `rungs`, the store's rung reports, feed the successive-halving figure.
    static func make(tables: SweepTables, results: [ResultSummary], full: (String) throws -> JobResult?, jobs: [Job],
                     spec: SweepSpec, rungs: [RungReport]) throws -> [Figure] {
        let configurations = tables.configurations, metric = tables.metric
        var figures: [Figure] = []
        for name in tables.swept {
            if let svg = Figures.metricVersusHyperparameter(name, configurations: configurations, metric: metric,
                                                             comparison: tables.comparison) {
                figures.append(Figure(name: "metric-vs-\(name)", title: "\(metric.rawValue) against \(name): every seed, each configuration's mean ± sd", svg: svg))
            }
        }
        // The two most important hyperparameters; without importance (an incomplete grid) the two
        // whose values' means differ most, and the caption says which it is.
        let pair: [String], why: String
        switch tables.importance {
        case .success(let importance): (pair, why) = (importance.mostImportant, "the two most important hyperparameters")
        case .failure:
            pair = HyperparameterImportance.widestSpread(configurations, swept: tables.swept)
            why = "the two hyperparameters with the widest spread of means (importance needs the complete grid)"
        }
        if pair.count == 2, let svg = Figures.metricHeatMap(x: pair[0], y: pair[1], configurations: configurations, metric: metric) {
            figures.append(Figure(name: "heatmap", title: "\(metric.rawValue) over \(why)", svg: svg))
        }
        if let svg = Figures.parallelCoordinates(configurations: configurations, swept: tables.swept, metric: metric) {
            figures.append(Figure(name: "parallel", title: "every configuration, coloured by \(metric.rawValue); grey: no ok seed", svg: svg))
        }
        let jobByID = Dictionary(jobs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let top = configurations.filter { $0.okCount > 0 }
        let drawn = Set(top.prefix(max(lossCurves, samplePanels)).map(\.configID))
        var runsByConfig: [String: [JobResult]] = [:]
        for result in results where result.status == .ok {
            guard let job = jobByID[result.jobID], drawn.contains(job.configID), let run = try full(result.jobID) else { continue }
            runsByConfig[job.configID, default: []].append(run)
        }
        // Values as the tables print them (5e-4, not 0.0005).
        var texts: [String: [HyperparameterValue: String]] = [:]
        for name in tables.swept {
            let values = Array(Set(configurations.compactMap { $0.values[name] }))
            texts[name] = Dictionary(zip(values, Report.ColumnFormat.hyperparameterCells(values).map(Table(columns: [""]).text)),
                                     uniquingKeysWith: { a, _ in a })
        }
        func label(_ c: ConfigurationResults) -> String {
            let values = tables.swept.compactMap { name in c.values[name].map { "\(name) = \(texts[name]?[$0] ?? $0.description)" } }
            return "#\(c.rank) " + (values.isEmpty ? c.configID : values.joined(separator: ", "))
        }
        let curves = top.prefix(lossCurves).map { c in
            Figures.LossCurves(label: label(c), histories: (runsByConfig[c.configID] ?? []).map(\.lossHistory))
        }
        if let svg = Figures.lossComparison(curves) {
            figures.append(Figure(name: "loss-top", title: "training loss of the \(curves.count) best configurations, mean over seeds and their range", svg: svg))
        }
        let heldOut = EvaluationData.make(for: spec.dataset).heldOut
        let data = heldOut.rows > pointsPerPanel ? Matrix(rows: pointsPerPanel, columns: 2, storage: Array(heldOut.storage.prefix(2 * pointsPerPanel))) : heldOut
        let panels = top.prefix(samplePanels).compactMap { c -> (svg: String, caption: String)? in
            let runs = runsByConfig[c.configID] ?? []
            guard let run = runs.min(by: { a, b in
                let (ma, mb) = (a.metrics[metric.rawValue] ?? .nan, b.metrics[metric.rawValue] ?? .nan)
                return metric.isBetter(ma, than: mb) || (ma == mb && a.jobID < b.jobID)
            }), run.samples.columns == 2 else { return nil }
            let samples = run.samples.rows > pointsPerPanel
                ? Matrix(rows: pointsPerPanel, columns: 2, storage: Array(run.samples.storage.prefix(2 * pointsPerPanel))) : run.samples
            let seed = jobByID[run.jobID].map { " seed \($0.seed)" } ?? ""
            return (Figures.samplesFigure(samples: samples, data: data, box: PlotBox.of(spec.dataset), title: ""), label(c) + "," + seed)
        }
        if !panels.isEmpty {
            let svg = SmallMultiples.compose(panels, columns: 2, panelWidth: 380,
                                             title: "Samples of the \(panels.count) best configurations (best seed each) over held-out data")
            figures.append(Figure(name: "samples-top", title: "samples of the best configurations, \(pointsPerPanel) points of each kind per panel", svg: svg))
        }
        let rungCurves = intermediateCurves(rungs, rule: spec.earlyStopping, configurations: configurations, jobByID: jobByID, label: label)
        if let svg = Figures.intermediateMetricFigure(rungCurves, metric: metric.rawValue) {
            figures.append(Figure(name: "intermediate", title: "each configuration's \(metric.rawValue) at the early-stopping rungs (the cheap evaluation), mean over its seeds; grey: stopped early", svg: svg))
        }
        return figures
    }

    /// One curve per configuration with rung reports, in ranking order: at each of the rule's rungs
    /// the mean of its seeds' values there (a retried job's latest report counts once). A report
    /// at any other iteration (a store written by hand) is left out, so the figure has a few
    /// points per curve whatever the file holds.
    static func intermediateCurves(_ rungs: [RungReport], rule: EarlyStopping?, configurations: [ConfigurationResults],
                                   jobByID: [String: Job], label: (ConfigurationResults) -> String) -> [Figures.IntermediateCurve] {
        guard let rule else { return [] }
        var rungsByLength: [Int: Set<Int>] = [:]
        var latest: [String: [Int: Double]] = [:]
        for report in rungs where report.metric.isFinite {
            guard let job = jobByID[report.jobID] else { continue }
            let length = job.config.iterations
            if rungsByLength[length] == nil { rungsByLength[length] = Set(rule.rungs(forIterations: length)) }
            guard rungsByLength[length]?.contains(report.iteration) == true else { continue }
            latest[report.jobID, default: [:]][report.iteration] = report.metric
        }
        var byConfig: [String: [Int: [Double]]] = [:]
        for (jobID, values) in latest.sorted(by: { $0.key < $1.key }) {
            guard let job = jobByID[jobID] else { continue }
            for (iteration, value) in values { byConfig[job.configID, default: [:]][iteration, default: []].append(value) }
        }
        return configurations.prefix(intermediateCurveLimit).compactMap { c in
            guard let values = byConfig[c.configID], !values.isEmpty else { return nil }
            let iterations = values.keys.sorted()
            return Figures.IntermediateCurve(label: label(c), iterations: iterations,
                                             values: iterations.map { values[$0].map { $0.reduce(0, +) / Double($0.count) } ?? .nan },
                                             stopped: c.status == .stopped)
        }
    }

    /// Writes `figures/<name>.svg` for each figure and converts it to PDF with rsvg-convert when the
    /// SVG changed or its PDF is missing. Returns a sentence when no PDF could be made, else nil.
    static func write(_ figures: [Figure], to directory: String) throws -> String? {
        let folder = (directory as NSString).appendingPathComponent("figures")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var problem: String?
        for figure in figures {
            let svgPath = (folder as NSString).appendingPathComponent(figure.name + ".svg")
            let pdfPath = (folder as NSString).appendingPathComponent(figure.name + ".pdf")
            let unchanged = (try? String(contentsOfFile: svgPath, encoding: .utf8)) == figure.svg
            if !unchanged { try ReportFile.write(figure.svg, to: svgPath) }
            if problem == nil, !unchanged || !FileManager.default.fileExists(atPath: pdfPath) {
                problem = PDFConverter.convert(svgPath, to: pdfPath)
            }
        }
        return problem
    }
}
