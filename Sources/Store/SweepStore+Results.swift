import Foundation
import EBMCore
import Sweep

/// Results: the commit point of a job, exactly once.
extension SweepStore {
    /// Commits `result` and finishes its job, in ONE transaction: the result row is written and
    /// the job takes the result's status (ok, diverged or failed, with the reason in `error`),
    /// its worker, attempt, seconds and finish time.
    ///
    /// Exactly once: if the job already has a result, nothing of it is written, a
    /// `duplicateDropped` event is logged, and the call returns false. A late result for a job that
    /// was marked failed is accepted (a result beats a give-up).
    /// - Returns: true if this call committed the result.
    /// - Throws: `.unknownJob` if the store has no such job; `.full` if the disk is full (the store
    ///   then holds the state before this call).
    /// - Precondition: `result.status.isFinished` (a cancelled attempt is no result).
    @discardableResult
    public func record(_ result: JobResult, finishedAt: Date = Date()) throws(StoreError) -> Bool {
        precondition(result.status.isFinished, "record(_:) takes a finished result, not \(result.status)")
        return try database.transaction { () throws(StoreError) -> Bool in
            let existing = try database.query("SELECT attempt FROM results WHERE job_id = ?", [.text(result.jobID)]) {
                $0.int64(at: 0)
            }
            if let kept = existing.first {
                try log(event: StoreEvent(at: finishedAt, kind: .duplicateDropped, jobID: result.jobID,
                                          worker: result.worker,
                                          detail: "attempt \(result.attempt) dropped; attempt \(kept) kept"))
                return false
            }
            let known = try database.query("SELECT 1 FROM jobs WHERE job_id = ?", [.text(result.jobID)]) { _ in true }
            guard !known.isEmpty else { throw unknownJob(result.jobID) }
            try database.execute(
                "INSERT INTO results (job_id, attempt, status, metrics_json, error, worker, seconds, "
                    + "seconds_per_iteration, loss_history, samples, samples_rows, samples_columns, checkpoint, "
                    + "blas_kernel, vector_width, rungs_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    + "(SELECT coalesce(max(seq), 0) FROM rungs))",
                [.text(result.jobID), .integer(Int64(result.attempt)), .text(result.status.rawValue),
                 .text(try StoreCoding.metricsJSON(result.metrics, path: path)), .text(result.error),
                 .text(result.worker), .real(result.seconds), .real(result.secondsPerIteration),
                 .blob(StoreCoding.blob(result.lossHistory)), .blob(StoreCoding.blob(result.samples.storage)),
                 .integer(Int64(result.samples.rows)), .integer(Int64(result.samples.columns)),
                 .blob(result.checkpoint), .text(result.blasKernel), result.vectorWidth.map { .integer(Int64($0)) } ?? .null])
            try database.execute(
                "UPDATE jobs SET status = ?, attempts = max(attempts, ?), worker = ?, finished_at = ?, seconds = ?, "
                    + "error = ? WHERE job_id = ?",
                [.text(result.status.rawValue), .integer(Int64(result.attempt)), .text(result.worker),
                 .text(StoreCoding.timestamp(finishedAt)), .real(result.seconds), .text(result.error),
                 .text(result.jobID)])
            try log(event: StoreEvent(at: finishedAt, kind: .resultAccepted, jobID: result.jobID, worker: result.worker,
                                      detail: "attempt \(result.attempt), \(result.status.rawValue)"))
            return true
        }
    }

    /// Every stored result, in job id order.
    public func results() throws(StoreError) -> [JobResult] {
        try database.query(Self.resultColumns + " ORDER BY job_id") { (row: Statement) throws(StoreError) in
            try jobResult(row)
        }
    }

    /// The result of one job, or nil if it has none yet.
    public func result(jobID: String) throws(StoreError) -> JobResult? {
        try database.query(Self.resultColumns + " WHERE job_id = ?", [.text(jobID)]) {
            (row: Statement) throws(StoreError) in try jobResult(row)
        }.first
    }

    /// Every stored result without its blobs, in job id order: what ranking, `status` and the
    /// tables need. The blob columns are not selected, so SQLite never reads their pages.
    public func resultSummaries() throws(StoreError) -> [ResultSummary] {
        try database.query(Self.summaryColumns + " ORDER BY job_id") { (row: Statement) throws(StoreError) in
            try resultSummary(row, iterationsRun: Int(row.int64(at: 10)))
        }
    }

    /// How many results are stored (cheaper than `results().count`: no blobs are read).
    public func resultCount() throws(StoreError) -> Int {
        try database.query("SELECT count(*) FROM results") { Int($0.int64(at: 0)) }.first ?? 0
    }

    /// The summary's columns come first in both lists, so one decoder reads them from either.
    /// `length()` of a blob reads its size from the row header, not its pages.
    static let summaryColumns = "SELECT job_id, attempt, status, metrics_json, error, worker, seconds, "
        + "seconds_per_iteration, blas_kernel, vector_width, length(loss_history) / 8 FROM results"
    static let resultColumns = "SELECT job_id, attempt, status, metrics_json, error, worker, seconds, "
        + "seconds_per_iteration, blas_kernel, vector_width, loss_history, samples, samples_rows, samples_columns, "
        + "checkpoint FROM results"

    /// Columns 0...9 of either list; the caller knows the iterations (a count, or the history).
    private func resultSummary(_ row: Statement, iterationsRun: Int) throws(StoreError) -> ResultSummary {
        let status = try StoreCoding.status(row.string(at: 2), column: "results.status", path: path)
        return ResultSummary(jobID: row.string(at: 0), attempt: Int(row.int64(at: 1)), status: status,
                             metrics: try StoreCoding.metrics(row.string(at: 3), path: path),
                             error: row.optionalString(at: 4), worker: row.string(at: 5), seconds: row.double(at: 6),
                             secondsPerIteration: row.double(at: 7), iterationsRun: iterationsRun,
                             blasKernel: row.optionalString(at: 8),
                             vectorWidth: row.optionalInt64(at: 9).map { Int(clamping: $0) })
    }

    private func jobResult(_ row: Statement) throws(StoreError) -> JobResult {
        let lossHistory = try StoreCoding.doubles(row.blob(at: 10), column: "results.loss_history", path: path)
        let summary = try resultSummary(row, iterationsRun: lossHistory.count)
        let samples = try StoreCoding.doubles(row.blob(at: 11), column: "results.samples", path: path)
        let rows = Int(row.int64(at: 12)), columns = Int(row.int64(at: 13))
        guard rows >= 0, columns >= 0, rows * columns == samples.count else {
            throw StoreCoding.invalid("results.samples holds \(samples.count) values, not \(rows) × \(columns)", path: path)
        }
        return JobResult(
            jobID: summary.jobID, attempt: summary.attempt, status: summary.status, metrics: summary.metrics,
            error: summary.error, worker: summary.worker, seconds: summary.seconds,
            secondsPerIteration: summary.secondsPerIteration, lossHistory: lossHistory,
            samples: Matrix(rows: rows, columns: columns, storage: samples), checkpoint: row.blob(at: 14),
            blasKernel: summary.blasKernel, vectorWidth: summary.vectorWidth)
    }
}
