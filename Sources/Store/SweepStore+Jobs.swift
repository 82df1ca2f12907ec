import EBMCore
import Foundation
import Sweep

/// Jobs: reading them back, and the scheduler's state changes. Each change is one transaction
/// that also appends its event, so the log never disagrees with the table.
extension SweepStore {
    /// Every job in id order, with its status, attempts, worker and times.
    public func jobs() throws(StoreError) -> [StoredJob] {
        try database.query(Self.jobColumns + " ORDER BY job_id") { (row: Statement) throws(StoreError) in
            try storedJob(row)
        }
    }

    /// One job, or nil if the store does not know `jobID`.
    public func job(id jobID: String) throws(StoreError) -> StoredJob? {
        try database.query(Self.jobColumns + " WHERE job_id = ?", [.text(jobID)]) {
            (row: Statement) throws(StoreError) in try storedJob(row)
        }.first
    }

    /// The statuses a job can rest in, in the order they are shown: `cancelled` ends an attempt,
    /// never a job.
    public static let jobStatuses: [RunStatus] = RunStatus.allCases.filter { $0 != .cancelled }

    /// How many jobs are in each status; every one of `jobStatuses` is present, zero if none.
    public func counts() throws(StoreError) -> [RunStatus: Int] {
        var counts = Dictionary(uniqueKeysWithValues: Self.jobStatuses.map { ($0, 0) })
        let rows = try database.query("SELECT status, count(*) FROM jobs GROUP BY status") {
            (row: Statement) throws(StoreError) in (row.string(at: 0), Int(row.int64(at: 1)))
        }
        for (text, count) in rows {
            counts[try StoreCoding.status(text, column: "jobs.status", path: path)] = count
        }
        return counts
    }

    /// A worker took the job: status running, `attempts = attempt`, the worker and start time set.
    /// - Throws: `.unknownJob` if the store has no such job.
    public func markLeased(jobID: String, worker: String, attempt: Int, at date: Date = Date()) throws(StoreError) {
        try database.transaction { () throws(StoreError) in
            try update(jobID, "status = ?, attempts = ?, worker = ?, started_at = ?, finished_at = NULL",
                       [.text(RunStatus.running.rawValue), .integer(Int64(attempt)), .text(worker),
                        .text(StoreCoding.timestamp(date))])
            try log(event: StoreEvent(at: date, kind: .lease, jobID: jobID, worker: worker, detail: "attempt \(attempt)"))
        }
    }

    /// The job goes back to the queue (its worker was lost or refused it); `attempts` is kept as
    /// given so the attempt limit still counts.
    public func markPending(jobID: String, attempts: Int, at date: Date = Date()) throws(StoreError) {
        try database.transaction { () throws(StoreError) in
            try update(jobID, "status = ?, attempts = ?, worker = NULL, started_at = NULL",
                       [.text(RunStatus.pending.rawValue), .integer(Int64(attempts))])
            try log(event: StoreEvent(at: date, kind: .requeue, jobID: jobID, detail: "attempts \(attempts)"))
        }
    }

    /// The job gave up (attempt limit reached, or the trainer refused the configuration).
    public func markFailed(jobID: String, attempts: Int, reason: String, at date: Date = Date()) throws(StoreError) {
        try database.transaction { () throws(StoreError) in
            try update(jobID, "status = ?, attempts = ?, error = ?, finished_at = ?",
                       [.text(RunStatus.failed.rawValue), .integer(Int64(attempts)), .text(reason),
                        .text(StoreCoding.timestamp(date))])
            try log(event: StoreEvent(at: date, kind: .failed, jobID: jobID, detail: reason))
        }
    }

    /// Heals what an older build (or two coordinators on one directory) could leave: a job with
    /// a stored result is finished, whatever its row says; the result decides its status, as
    /// `record` would have. One transaction; returns how many rows changed. `open(at:)` runs it.
    @discardableResult
    public func finishJobsWithResults(at date: Date = Date()) throws(StoreError) -> Int {
        try database.transaction { () throws(StoreError) in
            let healed = try database.execute("""
                UPDATE jobs SET
                    (status, worker, seconds, error) =
                        (SELECT r.status, r.worker, r.seconds, r.error FROM results r WHERE r.job_id = jobs.job_id),
                    finished_at = coalesce(finished_at, ?)
                WHERE status <> (SELECT r.status FROM results r WHERE r.job_id = jobs.job_id)
                """, [.text(StoreCoding.timestamp(date))])
            if healed > 0 {
                try log(event: StoreEvent(at: date, kind: .resumed, detail: "\(healed) jobs with a stored result marked finished"))
            }
            return healed
        }
    }

    /// The sweep grew (`SpecChange.grows`): the new spec replaces the stored one and its new jobs
    /// are added pending, in one transaction, so a crash leaves the old sweep or the grown one.
    /// Jobs already stored are left alone, results and all. Returns how many jobs were new.
    @discardableResult
    public func grow(specText: String, specHash: String, specPath: String, jobs: [Job],
                     at date: Date = Date()) throws(StoreError) -> Int {
        try database.transaction { () throws(StoreError) in
            try database.execute("UPDATE sweep SET spec_text = ?, spec_hash = ?, spec_path = ? WHERE id = 1",
                                 [.text(specText), .text(specHash), .text(specPath)])
            let added = try insert(jobs, ignoringExisting: true, addedAt: date)
            try log(event: StoreEvent(at: date, kind: .grown, detail: "\(added) jobs added from \(specPath)"))
            return added
        }
    }

    // MARK: Helpers

    /// Inserts jobs as pending; the caller holds the transaction. `addedAt`: when they joined a
    /// sweep that already existed (grown or raced); nil for the jobs it is created with.
    func insert(_ jobs: [Job], ignoringExisting: Bool, addedAt: Date? = nil) throws(StoreError) -> Int {
        let verb = ignoringExisting ? "INSERT OR IGNORE" : "INSERT"
        let statement = try database.prepare(
            "\(verb) INTO jobs (job_id, config_id, seed, config_json, status, attempts, added_at) VALUES (?, ?, ?, ?, ?, 0, ?)")
        let added: SQLiteValue = addedAt.map { .text(StoreCoding.timestamp($0)) } ?? .null
        var inserted = 0
        for job in jobs {
            try statement.bind([.text(job.id), .text(job.configID), .integer(Int64(bitPattern: job.seed)),
                                .text(try StoreCoding.configJSON(job.config, path: path)),
                                .text(RunStatus.pending.rawValue), added])
            while try statement.step() {}
            inserted += database.changes
        }
        return inserted
    }

    /// Updates one job's row; throws `.unknownJob` if no row matched.
    private func update(_ jobID: String, _ assignments: String, _ values: [SQLiteValue]) throws(StoreError) {
        let changed = try database.execute("UPDATE jobs SET \(assignments) WHERE job_id = ?", values + [.text(jobID)])
        guard changed == 1 else { throw unknownJob(jobID) }
    }

    func unknownJob(_ jobID: String) -> StoreError {
        StoreError(code: .unknownJob,
                   message: "\(path) has no job \"\(jobID)\": the message names a job of another sweep; it was dropped",
                   operation: "update job", path: path)
    }

    static let jobColumns = "SELECT job_id, config_id, seed, config_json, status, attempts, worker, started_at, "
        + "finished_at, seconds, error, added_at FROM jobs"

    private func storedJob(_ row: Statement) throws(StoreError) -> StoredJob {
        let config = try StoreCoding.config(row.string(at: 3), path: path)
        let status = try StoreCoding.status(row.string(at: 4), column: "jobs.status", path: path)
        let job = Job(id: row.string(at: 0), configID: row.string(at: 1),
                      seed: UInt64(bitPattern: row.int64(at: 2)), config: config)
        return StoredJob(job: job, status: status, attempts: Int(row.int64(at: 5)), worker: row.optionalString(at: 6),
                         startedAt: try optionalDate(row, 7), finishedAt: try optionalDate(row, 8),
                         seconds: row.optionalDouble(at: 9), error: row.optionalString(at: 10), addedAt: try optionalDate(row, 11))
    }

    func optionalDate(_ row: Statement, _ column: Int32) throws(StoreError) -> Date? {
        guard let text = row.optionalString(at: column) else { return nil }
        return try StoreCoding.date(text, path: path)
    }
}
