import EBMCore
import Foundation
import Report
import Store
import Sweep

extension SweepArtifacts {
    static func fixedSummary(_ row: RankedConfiguration?, excluding varied: [String]) -> String {
        guard let row else { return "" }
        return row.hyperparameters.filter { !varied.contains($0.name) }.map { "\($0.name) = \($0.value)" }.joined(separator: ", ")
    }

    static func cell(_ value: HyperparameterValue?) -> Cell {
        switch value {
        case .int(let v): .integer(v)
        case .double(let v): .number(v)
        case .string(let v): .text(v)
        case nil: .empty
        }
    }

    /// results.csv: every configuration, every hyperparameter, every metric's mean and sd, and the
    /// ranking metric's interval.
    static func resultsCSV(_ ranked: [RankedConfiguration], configurations: [ConfigurationResults], metric: String,
                           hyperparameters: [String], otherMetrics: [String]) -> Table {
        var columns = ["rank", "config_id"] + hyperparameters
        columns += ["\(metric)_mean", "\(metric)_std", "\(metric)_ci95_low", "\(metric)_ci95_high"]
        columns += ["n_seeds", "n_ok", "n_diverged", "n_failed", "status"]
        // Only under early stopping, so tables of other sweeps keep their columns.
        let stopping = ranked.contains { $0.status == .stopped }
        if stopping { columns += ["n_stopped", "stopped_at"] }
        columns += otherMetrics.flatMap { ["\($0)_mean", "\($0)_std"] }
        var table = Table(columns: columns, significantDigits: 6)
        let byID = Dictionary(configurations.map { ($0.configID, $0) }, uniquingKeysWith: { a, _ in a })
        for row in ranked {
            let interval = byID[row.configID]?.summary?.interval
            var cells: [Cell] = [.integer(row.rank), .text(row.configID)] + hyperparameters.map { cell(row.value(of: $0)) }
            cells += [row.metricMean.map(Cell.number) ?? .empty, row.metricStd.map(Cell.number) ?? .empty,
                      interval.map { .number($0.lowerBound) } ?? .empty, interval.map { .number($0.upperBound) } ?? .empty]
            cells += [.integer(byID[row.configID]?.seeds ?? 0), .integer(row.nOK), .integer(row.nDiverged),
                      .integer(row.nFailed), .text(row.status.rawValue)]
            if stopping { cells += [.integer(row.nStopped), row.stoppedAt.map(Cell.integer) ?? .empty] }
            for name in otherMetrics {
                let summary = row.otherMetrics[name]
                cells += [summary.map { .number($0.mean) } ?? .empty, summary.map { .number($0.std) } ?? .empty]
            }
            table.append(cells)
        }
        return table
    }

    /// A metric's column name where hyperparameter columns stand beside it: `precision` is both a
    /// metric (k-NN precision) and a hyperparameter (float32 | float64), so the metric's column is
    /// then `precision_metric`, and no table has two columns of one name.
    static func metricColumn(_ metric: String, beside hyperparameters: [String]) -> String {
        hyperparameters.contains(metric) ? "\(metric)_metric" : metric
    }

    static func runsTable(_ stored: [StoredJob], results: [ResultSummary], hyperparameters: [String], metrics: [String]) -> Table {
        let resultByJob = Dictionary(results.map { ($0.jobID, $0) }, uniquingKeysWith: { a, _ in a })
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var table = Table(columns: ["job_id", "config_id", "seed", "status", "attempts", "worker", "started_at", "finished_at",
                                    "seconds", "seconds_per_iteration", "blas_kernel", "vector_width"] + hyperparameters
                                    + metrics.map { metricColumn($0, beside: hyperparameters) } + ["error"],
                          significantDigits: 6)
        for s in stored {
            let result = resultByJob[s.job.id]
            var cells: [Cell] = [.text(s.job.id), .text(s.job.configID), .integer(Int(clamping: s.job.seed)), .text(s.status.rawValue),
                                 .integer(s.attempts), s.worker.map(Cell.text) ?? .empty,
                                 s.startedAt.map { .text(iso.string(from: $0)) } ?? .empty,
                                 s.finishedAt.map { .text(iso.string(from: $0)) } ?? .empty,
                                 s.seconds.map(Cell.number) ?? .empty,
                                 result.map { .number($0.secondsPerIteration) } ?? .empty,
                                 result?.blasKernel.map(Cell.text) ?? .empty, result?.vectorWidth.map(Cell.integer) ?? .empty]
            cells += hyperparameters.map { cell(s.job.config.value(of: $0)) }
            cells += metrics.map { name in result?.metrics[name].map(Cell.number) ?? .empty }
            cells.append((s.error ?? result?.error).map(Cell.text) ?? .empty)
            table.append(cells)
        }
        return table
    }
}
