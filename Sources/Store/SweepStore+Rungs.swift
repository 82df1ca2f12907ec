import Foundation
import EBMCore
import Sweep

/// Early stopping's rung reports and the decisions they lead to (docs/design.md, "Early stopping").
extension SweepStore {
    /// One stored rung report and who sent it.
    public struct StoredRung: Sendable, Equatable {
        public var report: RungReport
        public var attempt: Int
        public var worker: String
        /// Its place in arrival order (`rungs.seq`).
        public var seq: Int
    }

    /// A job that ended diverged, as the stopping rule takes it (`Pruner.recordDivergence`).
    public struct StoredDivergence: Sendable, Equatable {
        public var jobID: String
        /// The iterations it trained: where it diverged.
        public var iteration: Int
        /// The `seq` of the last rung report stored before it; nil for a result stored by a build
        /// that did not keep it (replayed after every rung).
        public var rungsBefore: Int?
    }

    /// Stores a rung report and, in the same transaction, the stops it led to, so a crash keeps
    /// both or neither and a restarted coordinator replaying the reports reaches the same state.
    ///
    /// - Parameters:
    ///   - stopped: a `stopped` result per stopped job that had reported a rung (its last rung's
    ///     metric, `EarlyStopping.stoppedAtKey`, the reason in `error`), recorded like `record(_:)`.
    ///   - unstarted: stopped jobs with no rung report (never started, or not at a rung yet):
    ///     marked stopped with `reason`, without a result.
    /// - Returns: false if the store already had a report for this job and rung (a retried
    ///   attempt's copy): nothing is written then.
    /// - Throws: `.unknownJob` for a job the store does not know.
    @discardableResult
    public func record(rung report: RungReport, attempt: Int, worker: String, stopped: [JobResult] = [],
                       unstarted: [String] = [], reason: String? = nil, at date: Date = Date()) throws(StoreError) -> Bool {
        try database.transaction { () throws(StoreError) -> Bool in
            let known = try database.query("SELECT 1 FROM jobs WHERE job_id = ?", [.text(report.jobID)]) { _ in true }
            guard !known.isEmpty else { throw unknownJob(report.jobID) }
            let inserted = try database.execute(
                "INSERT OR IGNORE INTO rungs (job_id, attempt, worker, iteration, metric, escaped, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [.text(report.jobID), .integer(Int64(attempt)), .text(worker), .integer(Int64(report.iteration)),
                 report.metric.isNaN ? .null : .real(report.metric), .real(min(max(report.escaped, 0), 1)),
                 .text(StoreCoding.timestamp(date))])
            guard inserted > 0 else { return false }
            for result in stopped { try record(result, finishedAt: date) }
            for jobID in unstarted { try markStopped(jobID: jobID, reason: reason ?? "stopped", at: date) }
            return true
        }
    }

    /// Stores a diverged result and, in the same transaction, the stops of its configuration's
    /// other jobs it led to (the diverged-seed rule), as `record(rung:)` does for a rung's stops.
    /// - Returns: false if the job already had a result: nothing is written then.
    @discardableResult
    public func record(diverged result: JobResult, stopped: [JobResult] = [], unstarted: [String] = [],
                       reason: String? = nil, at date: Date = Date()) throws(StoreError) -> Bool {
        try database.transaction { () throws(StoreError) -> Bool in
            guard try record(result, finishedAt: date) else { return false }
            for r in stopped { try record(r, finishedAt: date) }
            for jobID in unstarted { try markStopped(jobID: jobID, reason: reason ?? "stopped", at: date) }
            return true
        }
    }

    /// A job the early-stopping rule stopped before it reported a rung: finished as `stopped`,
    /// without a result. A job already finished is left as it is.
    public func markStopped(jobID: String, reason: String, at date: Date = Date()) throws(StoreError) {
        try database.transaction { () throws(StoreError) in
            let changed = try database.execute(
                "UPDATE jobs SET status = ?, error = ?, finished_at = ? WHERE job_id = ? AND status IN (?, ?)",
                [.text(RunStatus.stopped.rawValue), .text(reason), .text(StoreCoding.timestamp(date)), .text(jobID),
                 .text(RunStatus.pending.rawValue), .text(RunStatus.running.rawValue)])
            if changed > 0 { try log(event: StoreEvent(at: date, kind: .stopped, jobID: jobID, detail: reason)) }
        }
    }

    /// Every rung report, in the order they arrived.
    public func rungs() throws(StoreError) -> [StoredRung] {
        try database.query("SELECT job_id, attempt, worker, iteration, metric, escaped, seq FROM rungs ORDER BY seq") {
            (row: Statement) throws(StoreError) in
            StoredRung(report: RungReport(jobID: row.string(at: 0), iteration: Int(row.int64(at: 3)),
                                          metric: row.isNull(at: 4) ? .nan : row.double(at: 4), escaped: row.double(at: 5)),
                       attempt: Int(row.int64(at: 1)), worker: row.string(at: 2), seq: Int(row.int64(at: 6)))
        }
    }

    /// Every diverged result, in the order the stopping rule took them: by the rung reports
    /// stored before each, then as they were stored (those without a place last).
    public func divergences() throws(StoreError) -> [StoredDivergence] {
        try database.query("SELECT job_id, length(loss_history) / 8, rungs_before FROM results WHERE status = ? "
                           + "ORDER BY rungs_before IS NULL, rungs_before, rowid", [.text(RunStatus.diverged.rawValue)]) {
            (row: Statement) throws(StoreError) in
            StoredDivergence(jobID: row.string(at: 0), iteration: Int(row.int64(at: 1)),
                             rungsBefore: row.optionalInt64(at: 2).map { Int(clamping: $0) })
        }
    }
}
