import EBMCore
import Foundation
import Report
import Sweep

/// What best/ was last written from, so a live report rewrites it (the slow part: every kept
/// model's heat maps) only when the kept runs change.
public final class BestCache {
    var key: [String] = []
    var sections: [SweepReport.Section] = []

    public init() {}
}

extension SweepArtifacts {
    /// Rebuilds best/ beside the old one and swaps it in, so readers never see half a directory.
    /// With a `cache` holding the same kept runs (rank, configuration, job), leaves best/ as it is
    /// and reads no blob; otherwise `full` reads each kept run whole (checkpoint, samples, loss).
    static func writeBest(ranked: [RankedConfiguration], results: [ResultSummary], full: (String) throws -> JobResult?,
                          jobs: [Job], spec: SweepSpec, directory: String,
                          cache: BestCache? = nil) throws -> [SweepReport.Section] {
        let jobByID = Dictionary(jobs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let chosen = ranked.prefix(spec.keepBest).filter { $0.status == .ok }.compactMap { row -> (RankedConfiguration, ResultSummary, Job)? in
            // The configuration's representative run: its best seed on the ranking metric.
            let runs = results.filter { $0.status == .ok && jobByID[$0.jobID]?.configID == row.configID }
            guard let run = runs.min(by: { a, b in
                let (ma, mb) = (a.metrics[spec.metric.rawValue] ?? .nan, b.metrics[spec.metric.rawValue] ?? .nan)
                return spec.metric.higherIsBetter ? ma > mb : ma < mb
            }), let job = jobByID[run.jobID] else { return nil }
            return (row, run, job)
        }
        let key = chosen.map { "\($0.0.rank)-\($0.0.configID)-\($0.1.jobID)" }
        if let cache, cache.key == key, !key.isEmpty { return cache.sections }
        var kept: [(RankedConfiguration, JobResult, Job, Checkpoint)] = []
        for (row, summary, job) in chosen {
            guard let run = try full(summary.jobID), let checkpoint = try? Checkpoint(decoding: run.checkpoint) else { continue }
            kept.append((row, run, job, checkpoint))
        }
        let fm = FileManager.default
        let best = (directory as NSString).appendingPathComponent("best")
        let staging = best + ".staging"
        try? fm.removeItem(atPath: staging)
        try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
        var sections: [SweepReport.Section] = []
        for (row, run, job, checkpoint) in kept {
            let name = "\(row.rank)-\(row.configID)"
            let runDirectory = (staging as NSString).appendingPathComponent(name)
            let title = "\(spec.name) #\(row.rank) \(row.configID) (seed \(job.seed))"
            try RunDirectory.write(result: run, config: job.config, evaluation: spec.evaluation, model: checkpoint.model,
                                   to: runDirectory, title: title,
                                   tableLabel: "tab:\(spec.name)-\(row.configID)-s\(job.seed)-hyperparameters")
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
        cache?.key = key
        cache?.sections = sections
        return sections
    }
}
