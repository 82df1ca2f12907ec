import EBMCore
import Foundation
import Report
import Store
import Sweep

/// The files a sweep leaves for its user (design.md §7, contract names), rebuilt from the store,
/// which stays the truth: results.csv/.md/.tex (one ranked row per configuration), runs.csv (one
/// row per job), best/<rank>-<config id>/ (run directories of the kept configurations) and
/// report.html. Safe to call at any time, and again: each file is replaced atomically.
public enum SweepArtifacts {
    /// Rows of the ranking shown in report.html (the CSV has them all).
    static let reportRows = 40
    /// Metrics shown beside the ranking metric in results.md/.tex and report.html.
    static let readableMetrics: Set<String> = ["kde_nll", "nll", "precision", "recall", "escaped"]

    @discardableResult
    public static func write(store: SweepStore, spec: SweepSpec, to directory: String) throws -> [RankedConfiguration] {
        let stored = try store.jobs()
        let results = try store.results()
        let jobs = stored.map(\.job)
        let statuses = Dictionary(stored.map { ($0.job.id, $0.status) }, uniquingKeysWith: { a, _ in a })
        let ranked = Ranking.rank(jobs: jobs, statuses: statuses, results: results, metric: spec.metric)
        let metricNames = Self.metricNames(results: results, ranking: spec.metric.rawValue)
        let hyperparameters = TrainingConfig.hyperparameterNames(for: spec.method).filter { $0 != "seed" }
        let varied = Ranking.variedNames(in: ranked)
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

        // A stopped job's rung is shown by its configuration's `stopped_at` column, not as a metric.
        let full = resultsTable(ranked, metric: spec.metric.rawValue, hyperparameters: hyperparameters,
                                otherMetrics: metricNames.filter { $0 != EarlyStopping.stoppedAtKey }, separateStd: true)
        try ReportFile.write(full.csv(), to: path("results.csv"))
        // The readable tables keep to what ranks and what explains a rank; results.csv has every metric,
        // and the floor and oracle anchors (the same for every row) go in the summary line.
        let readableMetrics = metricNames.filter(Self.readableMetrics.contains)
        let readable = resultsTable(ranked, metric: spec.metric.rawValue, hyperparameters: varied.isEmpty ? hyperparameters : varied,
                                    otherMetrics: readableMetrics, separateStd: false)
        let fixedLine = fixedSummary(ranked.first, excluding: varied)
        let anchors = anchorLine(ranked.first)
        try ReportFile.write("# \(spec.name): \(spec.method.rawValue) on \(spec.dataset.rawValue), ranked by \(spec.metric.rawValue) (\(spec.metric.higherIsBetter ? "higher" : "lower") is better)\n\n"
                             + (anchors.map { $0 + "\n\n" } ?? "")
                             + (fixedLine.isEmpty ? "" : "Same in every configuration: \(fixedLine)\n\n")
                             + readable.markdown() + "\n", to: path("results.md"))
        try ReportFile.write(readable.latex(caption: "\(spec.name): configurations ranked by \(spec.metric.rawValue.replacingOccurrences(of: "_", with: " ")) (mean ± std over seeds)",
                                            label: "tab:\(spec.name)-results"), to: path("results.tex"))
        try ReportFile.write(runsTable(stored, results: results, hyperparameters: hyperparameters, metrics: [spec.metric.rawValue] + metricNames).csv(),
                             to: path("runs.csv"))

        let sections = try writeBest(ranked: ranked, results: results, jobs: jobs, spec: spec, directory: directory)
        let counts = try store.counts()
        let stopped = counts[.stopped].map { $0 > 0 ? ", \($0) stopped early" : "" } ?? ""
        var summary = ["\(jobs.count) jobs: \(counts[.ok] ?? 0) ok, \(counts[.diverged] ?? 0) diverged, \(counts[.failed] ?? 0) failed\(stopped), \((counts[.pending] ?? 0) + (counts[.running] ?? 0)) not finished."]
        if let anchors { summary.append(anchors) }
        if !fixedLine.isEmpty { summary.append("Same in every configuration: \(fixedLine)") }
        var shown = Table(columns: readable.columns)
        for row in readable.rows.prefix(reportRows) { shown.append(row) }
        let report = SweepReport(title: "\(spec.name): \(spec.method.rawValue) on \(spec.dataset.rawValue)", summary: summary,
                                 ranking: shown, sections: sections)
        try ReportFile.write(report.html(), to: path("report.html"))
        return ranked
    }

    /// Metric names seen in the results, ranking metric excluded, in the run report's order.
    static func metricNames(results: [JobResult], ranking: String) -> [String] {
        let seen = Set(results.flatMap(\.metrics.keys))
        let ordered = RunReport.metricOrder.filter(seen.contains)
        return (ordered + seen.subtracting(ordered).sorted()).filter { $0 != ranking }
    }

    /// The floor (a fresh data draw scored like samples) and the oracle (the true density): the same
    /// for every row, so said once.
    static func anchorLine(_ row: RankedConfiguration?) -> String? {
        guard let floor = row?.otherMetrics[Metrics.Name.floorKDENLL] else { return nil }
        let oracle = row?.otherMetrics[Metrics.Name.oracleNLL].map { String(format: ", oracle nll %.4f (the true density)", $0.mean) } ?? ""
        return String(format: "Anchors: floor kde_nll %.4f (a fresh data draw scored like samples)", floor.mean) + oracle + "."
    }

    static func cell(_ value: HyperparameterValue?) -> Cell {
        switch value {
        case .int(let v): .integer(v)
        case .double(let v): .number(v)
        case .string(let v): .text(v)
        case nil: .empty
        }
    }

    static func resultsTable(_ ranked: [RankedConfiguration], metric: String, hyperparameters: [String],
                             otherMetrics: [String], separateStd: Bool) -> Table {
        var columns = ["rank", "config_id"] + hyperparameters
        columns += separateStd ? ["\(metric)_mean", "\(metric)_std"] : [metric]
        columns += ["n_ok", "n_diverged", "n_failed", "status"]
        // Only under early stopping, so tables of other sweeps keep their columns.
        let stopping = ranked.contains { $0.status == .stopped }
        if stopping { columns += ["n_stopped", "stopped_at"] }
        columns += separateStd ? otherMetrics.flatMap { ["\($0)_mean", "\($0)_std"] } : otherMetrics
        var table = Table(columns: columns)
        for row in ranked {
            var cells: [Cell] = [.integer(row.rank), .text(row.configID)] + hyperparameters.map { cell(row.value(of: $0)) }
            if separateStd {
                cells += [row.metricMean.map(Cell.number) ?? .empty, row.metricStd.map(Cell.number) ?? .empty]
            } else {
                cells.append(row.metricMean.map { .meanStd(mean: $0, std: row.metricStd ?? 0) } ?? .empty)
            }
            cells += [.integer(row.nOK), .integer(row.nDiverged), .integer(row.nFailed), .text(row.status.rawValue)]
            if stopping { cells += [.integer(row.nStopped), row.stoppedAt.map(Cell.integer) ?? .empty] }
            for name in otherMetrics {
                let summary = row.otherMetrics[name]
                if separateStd {
                    cells += [summary.map { .number($0.mean) } ?? .empty, summary.map { .number($0.std) } ?? .empty]
                } else {
                    cells.append(summary.map { .meanStd(mean: $0.mean, std: $0.std) } ?? .empty)
                }
            }
            table.append(cells)
        }
        return table
    }

    static func fixedSummary(_ row: RankedConfiguration?, excluding varied: [String]) -> String {
        guard let row else { return "" }
        return row.hyperparameters.filter { !varied.contains($0.name) }.map { "\($0.name) = \($0.value)" }.joined(separator: ", ")
    }

    static func runsTable(_ stored: [StoredJob], results: [JobResult], hyperparameters: [String], metrics: [String]) -> Table {
        let resultByJob = Dictionary(results.map { ($0.jobID, $0) }, uniquingKeysWith: { a, _ in a })
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var table = Table(columns: ["job_id", "config_id", "seed", "status", "attempts", "worker", "started_at", "finished_at",
                                    "seconds", "seconds_per_iteration"] + hyperparameters + metrics + ["error"],
                          significantDigits: 6)
        for s in stored {
            let result = resultByJob[s.job.id]
            var cells: [Cell] = [.text(s.job.id), .text(s.job.configID), .integer(Int(clamping: s.job.seed)), .text(s.status.rawValue),
                                 .integer(s.attempts), s.worker.map(Cell.text) ?? .empty,
                                 s.startedAt.map { .text(iso.string(from: $0)) } ?? .empty,
                                 s.finishedAt.map { .text(iso.string(from: $0)) } ?? .empty,
                                 s.seconds.map(Cell.number) ?? .empty,
                                 result.map { .number($0.secondsPerIteration) } ?? .empty]
            cells += hyperparameters.map { cell(s.job.config.value(of: $0)) }
            cells += metrics.map { name in result?.metrics[name].map(Cell.number) ?? .empty }
            cells.append((s.error ?? result?.error).map(Cell.text) ?? .empty)
            table.append(cells)
        }
        return table
    }

    /// Rebuilds best/ beside the old one and swaps it in, so readers never see half a directory.
    static func writeBest(ranked: [RankedConfiguration], results: [JobResult], jobs: [Job], spec: SweepSpec,
                          directory: String) throws -> [SweepReport.Section] {
        let fm = FileManager.default
        let best = (directory as NSString).appendingPathComponent("best")
        let staging = best + ".staging"
        try? fm.removeItem(atPath: staging)
        try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let jobByID = Dictionary(jobs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var sections: [SweepReport.Section] = []
        for row in ranked.prefix(spec.keepBest) where row.status == .ok {
            // The configuration's representative run: its best seed on the ranking metric.
            let runs = results.filter { $0.status == .ok && jobByID[$0.jobID]?.configID == row.configID }
            guard let run = runs.min(by: { a, b in
                let (ma, mb) = (a.metrics[spec.metric.rawValue] ?? .nan, b.metrics[spec.metric.rawValue] ?? .nan)
                return spec.metric.higherIsBetter ? ma > mb : ma < mb
            }), let job = jobByID[run.jobID], let checkpoint = try? Checkpoint(decoding: run.checkpoint) else { continue }
            let name = "\(row.rank)-\(row.configID)"
            let runDirectory = (staging as NSString).appendingPathComponent(name)
            let title = "#\(row.rank) \(row.configID) (seed \(job.seed))"
            try RunDirectory.write(result: run, config: job.config, evaluation: spec.evaluation, model: checkpoint.model,
                                   to: runDirectory, title: title)
            let figures = ["samples.svg", "energy.svg", "score.svg", "loss.svg"].compactMap { file -> FigureSVG? in
                guard let svg = try? String(contentsOfFile: (runDirectory as NSString).appendingPathComponent(file), encoding: .utf8) else { return nil }
                return FigureSVG(title: file, svg: svg)
            }
            sections.append(SweepReport.Section(title: title, notes: ["best/\(name)/", row.hyperparameters.map { "\($0.name) = \($0.value)" }.joined(separator: ", ")],
                                                metrics: run.metrics, hyperparameters: HyperparameterTable(config: job.config, evaluation: spec.evaluation),
                                                figures: figures))
        }
        let old = best + ".old"
        try? fm.removeItem(atPath: old)
        if fm.fileExists(atPath: best) { try fm.moveItem(atPath: best, toPath: old) }
        try fm.moveItem(atPath: staging, toPath: best)
        try? fm.removeItem(atPath: old)
        return sections
    }
}
