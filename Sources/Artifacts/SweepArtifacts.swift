// Artifacts: the files a sweep or a run leaves — tables, figures, best runs, report.html — written atomically from the store or a result.

import EBMCore
import Foundation
import Report
import Store
import Sweep

/// The files a sweep leaves for its user (docs/design.md, "The sweep directory": contract names), rebuilt from the store,
/// which stays the truth: results.csv/.md/.tex (one ranked row per configuration), runs.csv (one
/// row per job), best/<rank>-<config id>/ (run directories of the kept configurations) and
/// report.html. Safe to call at any time, and again: each file is replaced atomically. While jobs
/// are unfinished the pages say they are partial, and when they were written (`LiveReport`
/// rewrites them as results arrive).
public enum SweepArtifacts {
    /// Rows of the ranking shown in report.html (the CSV has them all).
    static let reportRows = 40
    /// A partial report.html reloads itself this often (seconds).
    static let partialRefresh = 10

    /// Writes every file; `bestCache` lets a live report skip rewriting an unchanged best/.
    @discardableResult
    public static func write(store: SweepStore, spec: SweepSpec, to directory: String, bestCache: BestCache? = nil,
                             now: Date = Date()) throws -> [RankedConfiguration] {
        let stored = try store.jobs()
        let results = try store.resultSummaries()
        let jobs = stored.map(\.job)
        let statuses = Dictionary(stored.map { ($0.job.id, $0.status) }, uniquingKeysWith: { a, _ in a })
        let ranked = Ranking.rank(jobs: jobs, statuses: statuses, results: results, metric: spec.metric)
        let metricNames = Self.metricNames(results: results, ranking: spec.metric.rawValue)
        let hyperparameters = TrainingConfig.hyperparameterNames(for: spec.method).filter { $0 != "seed" }
        let varied = Ranking.variedNames(in: ranked)
        let configurations = ConfigurationResults.from(ranked: ranked, jobs: jobs, results: results, metric: spec.metric, swept: varied)
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

        try ReportFile.write(resultsCSV(ranked, configurations: configurations, metric: spec.metric.rawValue,
                                        hyperparameters: hyperparameters,
                                        // A stopped job's rung is its configuration's `stopped_at` column, not a metric.
                                        otherMetrics: metricNames.filter { $0 != EarlyStopping.stoppedAtKey }).csv(),
                             to: path("results.csv"))
        var tables = SweepTables(sweepName: spec.name, subject: "\(spec.method.rawValue) on \(spec.dataset.rawValue)",
                                 metric: spec.metric, swept: varied, configurations: configurations)
        let counts = try store.counts()
        let finished = counts.filter(\.key.isFinished).values.reduce(0, +)
        let partial = finished < jobs.count
        let written = timestamp(now)
        let progress = partial
            ? "Partial: \(finished) of \(jobs.count) jobs finished, \(counts[.running] ?? 0) running; written \(written) and rewritten as results arrive."
            : "All \(jobs.count) jobs finished; written \(written)."
        tables.progress = partial ? "Partial: \(finished) of \(jobs.count) jobs finished (written \(written))." : nil
        // The floor and oracle anchors are the same for every row, so they are said once.
        let fixedLine = fixedSummary(ranked.first, excluding: varied)
        let anchors = anchorLine(ranked.first)
        var notes = anchors.map { [$0] } ?? []
        if !fixedLine.isEmpty { notes.append("Same in every configuration: \(fixedLine).") }
        let held = NotRunSummary(held: spec.earlyStopping?.notRunnable(jobs, started: try store.startedConfigurations()) ?? [:],
                                 jobs: jobs)
        if let held {
            notes.append("Not run: \(held.sentence); early stopping never started them (README, \"Early stopping\").")
        }
        if let racing = try racingLine(store: store, stored: stored, configurations: configurations,
                                       raceSeeds: Racing.seedCount(for: spec)) { notes.append(racing) }
        let history = try history(store: store, stored: stored, results: results, metric: spec.metric)
        if let line = history.line { notes.append(line) }
        if let kernels = kernelLine(results) { notes.append(kernels) }
        notes.append("Every metric of every configuration: results.csv; every run: runs.csv.")
        try ReportFile.write(tables.markdown(notes: notes), to: path("results.md"))
        try ReportFile.write(tables.latex(label: resultsLabel(spec)), to: path("results.tex"))
        try ReportFile.write(runsTable(stored, results: results, hyperparameters: hyperparameters, metrics: [spec.metric.rawValue] + metricNames).csv(),
                             to: path("runs.csv"))

        // Only the runs drawn or kept are read whole (loss, samples, checkpoint): megabytes each.
        let full = { (jobID: String) throws -> JobResult? in try store.result(jobID: jobID) }
        let sections = try writeBest(ranked: ranked, results: results, full: full, jobs: jobs, spec: spec,
                                     directory: directory, cache: bestCache)
        var figures = try SweepFigures.make(tables: tables, results: results, full: full, jobs: jobs, spec: spec,
                                            rungs: try store.rungs().map(\.report))
        if let figure = history.figure { figures.append(figure) }
        let figureProblem = try SweepFigures.write(figures, to: directory)
        let neverRun = held.map { " (\($0.jobs) of them never run: above the noise floor)" } ?? ""
        let stopped = (counts[.stopped] ?? 0) > 0 ? ", \(counts[.stopped] ?? 0) stopped early\(neverRun)" : ""
        var summary = ["\(jobs.count) jobs: \(counts[.ok] ?? 0) ok, \(counts[.diverged] ?? 0) diverged, \(counts[.failed] ?? 0) failed\(stopped), \((counts[.pending] ?? 0) + (counts[.running] ?? 0)) not finished."]
        summary += notes.dropLast()
        summary.append(tables.legend())
        if let figureProblem { summary.append(figureProblem) }
        var importance: Table?, importanceNote: String
        switch tables.importance {
        case .success(let result):
            importance = result.table
            importanceNote = "Share of the variance of \(spec.metric.rawValue) over the grid and its seeds (functional ANOVA; the shares sum to 100%)."
        case .failure(let reason):
            importanceNote = "Not computed: \(reason)."
        }
        let shownRows = Array(tables.configurations.prefix(reportRows))
        let report = SweepReport(title: "\(spec.name): \(spec.method.rawValue) on \(spec.dataset.rawValue)", summary: summary,
                                 ranking: tables.table(withConfigID: true, rows: shownRows), banner: progress,
                                 refreshSeconds: partial ? partialRefresh : nil, importance: importance,
                                 importanceNote: importanceNote,
                                 comparisons: figures.map { FigureSVG(title: "figures/\($0.name).svg: \($0.title)", svg: $0.svg) },
                                 sections: sections)
        try ReportFile.write(report.html(), to: path("report.html"))
        return ranked
    }

    /// "2026-11-29 16:30:12 UTC": when a page was written (UTC, so every reader sees the same).
    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date) + " UTC"
    }

    /// `tab:<sweep>-<spec hash>-results`: unique per sweep, and per spec when a sweep is re-run under
    /// the same name with another spec, so two sweeps' tables can share a document.
    static func resultsLabel(_ spec: SweepSpec) -> String {
        "tab:\(spec.name)-\(spec.planHash.prefix(6))-results"
    }

    /// Metric names seen in the results, ranking metric excluded, in the run report's order.
    static func metricNames(results: [ResultSummary], ranking: String) -> [String] {
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


    /// How many seeds decided the best, and what racing gave it and its rivals (docs/design.md,
    /// "Racing"), from the race's jobs that ended; nil when the sweep does not race or has not
    /// raced yet. `raceSeeds`: how many the spec races the first-ranked on (the store's race may
    /// have used more, if the spec changed since).
    static func racingLine(store: SweepStore, stored: [StoredJob], configurations: [ConfigurationResults],
                           raceSeeds: Int) throws -> String? {
        guard try store.hasRaced(), let best = configurations.first(where: { $0.okCount > 0 }) else { return nil }
        let byID = Dictionary(stored.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let steps = try store.racedSteps()
        let raced = steps.compactMap { byID[$0.jobID] }
        var decided = "the best, \(PeerText.escaped(best.configID)), was decided on \(best.okCount) seed\(best.okCount == 1 ? "" : "s")"
        guard let first = raced.first?.job.seed else { return "Racing: no configuration was tied with the best; \(decided)." }
        // The race ends once η configurations have ranked first in turn (docs/design.md, "Racing").
        if !raced.contains(where: { $0.job.configID == best.configID }) {
            decided = "the best, \(PeerText.escaped(best.configID)), ranked first only once the race had ended, and was decided "
                + "on its \(best.okCount) planned seed\(best.okCount == 1 ? "" : "s") without racing"
        }
        let k = max(raceSeeds, Set(raced.map(\.job.seed)).count)
        let numbered = steps.allSatisfy { $0.step != nil }
        let finalists = numbered
            ? Set(steps.filter { $0.step == steps.first?.step }.compactMap { byID[$0.jobID]?.job.configID })
            : Self.finalists(raced, firstSeed: first)
        let running = raced.filter { !$0.status.isFinished }.count
        if running > 0 {
            return "Racing is under way: \(finalists.count) configurations run on a fresh seed each"
                + (k > 1 ? ", then the one ranked first on the race's other seeds" : "")
                + " (\(running) race job\(running == 1 ? "" : "s") to go)."
        }
        var seedsByConfig: [String: Int] = [:]
        for job in raced where job.status == .ok { seedsByConfig[job.job.configID, default: 0] += 1 }
        let full = seedsByConfig.filter { $0.value >= k }.keys.sorted()
        let all = k == 2 ? "both" : "all \(k)"
        let rivals = "the best after the planned seeds and its \(finalists.count - 1) closest rival\(finalists.count == 2 ? "" : "s") (tied with it)"
        // A store of the first racing, which gave every finalist every race seed at once.
        if !numbered, k > 1, full.count > 1, Set(full) == finalists {
            return "Racing: \(rivals) ran on \(all) of the race's seeds each; \(decided)."
        }
        func names(_ ids: [String]) -> String {
            ids.prefix(5).map { PeerText.escaped($0) }.joined(separator: " and ") + (ids.count > 5 ? " and \(ids.count - 5) more" : "")
        }
        var line = "Racing: \(rivals) ran on a fresh seed each"
        if k > 1, !full.isEmpty { line += "; \(names(full)), then ranked first, ran on \(all) of the race's seeds" }
        var joined: [String] = []
        for job in raced where !finalists.contains(job.job.configID) && !joined.contains(job.job.configID) {
            joined.append(job.job.configID)
        }
        if !joined.isEmpty { line += " (\(names(joined)) joined the race when it ranked first)" }
        return line + "; \(decided)."
    }

    /// For a store whose race jobs carry no step (written before steps were numbered): the race's
    /// first step, a fresh seed for each finalist, is stored before any later step; a later step
    /// gives one configuration its missing seeds in order, so a configuration that joins the race
    /// starts with its first-seed job followed by its next: that ends the first step. (It cannot
    /// tell a joiner from a finalist when race_seeds is 1, nor the last finalist overtaking.)
    static func finalists(_ raced: [StoredJob], firstSeed: UInt64) -> Set<String> {
        var finalists = Set<String>()
        for (i, job) in raced.enumerated() {
            guard job.job.seed == firstSeed, !finalists.contains(job.job.configID) else { break }
            if i + 1 < raced.count, raced[i + 1].job.configID == job.job.configID { break }
            finalists.insert(job.job.configID)
        }
        return finalists
    }

    /// Said when the sweep's results came from more than one BLAS kernel family: the same
    /// configuration and seed may then differ in their last bits across workers (docs/design.md,
    /// "Determinism"). Nil when one family (or none recorded) ran everything.
    static func kernelLine(_ results: [ResultSummary]) -> String? {
        var counts: [String: Int] = [:]
        for r in results { if let kernel = r.blasKernel { counts[kernel, default: 0] += 1 } }
        guard counts.count > 1 else { return nil }
        let families = counts.sorted { $0.key < $1.key }.map { "\(PeerText.escaped($0.key)) \($0.value)" }.joined(separator: ", ")
        return "Workers ran different BLAS kernel families (results: \(families)): a configuration and seed may "
            + "differ in their last bits across them; `reproducible: portable` pins one family."
    }
}
