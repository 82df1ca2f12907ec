import Foundation
import Store
import Sweep

/// What a finished run tells its user: the top of the ranking and how well the workers were used.
extension SweepRun {
    func printSummary(_ ranked: [RankedConfiguration], spec: SweepSpec, directory: String) {
        let varied = Ranking.variedNames(in: ranked)
        say("\nranked by \(spec.metric.rawValue) (\(spec.metric.higherIsBetter ? "higher" : "lower") is better), mean ± std over seeds:")
        for row in ranked.prefix(5) {
            let values = row.hyperparameters.filter { varied.contains($0.name) }.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
            let metric = row.metricMean.map { String(format: "%.4f ± %.4f", $0, row.metricStd ?? 0) }
                ?? (row.neverRan ? "not run" : row.stoppedAt.map { "stopped at iteration \($0)" } ?? row.status.rawValue)
            say("  #\(row.rank) \(row.configID)  \(metric)  (\(row.nOK) ok)  \(values)")
        }
        if ranked.count > 5 { say("  … \(ranked.count - 5) more in \(directory)/results.md") }
        say("wrote \(directory)/results.csv, results.md, results.tex, runs.csv, figures/, report.html, best/")
    }

    /// Ideal time (the jobs' worker-seconds spread evenly over the workers) over the actual wall
    /// time, for the jobs this invocation finished.
    func printEfficiency(store: SweepStore, since: Date, wall: Double) throws {
        let finished = try store.jobs().filter { ($0.finishedAt ?? .distantPast) >= since && $0.seconds != nil }
        let workers = Set(finished.compactMap(\.worker)).count
        guard workers > 0, wall > 0 else { return }
        let busy = finished.reduce(0) { $0 + ($1.seconds ?? 0) }
        let ideal = busy / Double(workers)
        say(String(format: "%d jobs in %.0f s on %d workers: %.0f worker-seconds, efficiency %.0f%% (ideal %.0f s / actual %.0f s)",
                   finished.count, wall, workers, busy, 100 * ideal / wall, ideal, wall))
    }
}
