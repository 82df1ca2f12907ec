import Foundation
import Sweep

/// The jobs racing added (docs/design.md, "Racing"). They are ordinary jobs (leased, retried,
/// resumed like any other); the `raced` table only says the spec did not plan them.
extension SweepStore {
    /// Adds `jobs` as racing's next step and logs `detail`, in one transaction; with no jobs it
    /// only logs, so a sweep whose best had no close rival is not raced again on resume.
    /// - Returns: how many jobs were new.
    @discardableResult
    public func race(_ jobs: [Job], detail: String, at date: Date = Date()) throws(StoreError) -> Int {
        try database.transaction { () throws(StoreError) in
            let added = try insert(jobs, ignoringExisting: true, addedAt: date)
            // The next step's number; none in a store whose earlier race jobs have none (stored
            // before steps were), so its steps stay inferred from their order alone.
            let (unnumbered, last) = try database.query("SELECT COALESCE(SUM(step IS NULL), 0), COALESCE(MAX(step), 0) FROM raced") {
                (row: Statement) throws(StoreError) in (row.int64(at: 0), row.int64(at: 1))
            }.first ?? (0, 0)
            let step: SQLiteValue = unnumbered > 0 ? .null : .integer(last + 1)
            let statement = try database.prepare("INSERT OR IGNORE INTO raced (job_id, step) VALUES (?, ?)")
            for job in jobs {
                try statement.bind([.text(job.id), step])
                while try statement.step() {}
            }
            try log(event: StoreEvent(at: date, kind: .raced, detail: detail))
            return added
        }
    }

    /// Whether racing has been decided for this sweep (jobs added or none close).
    public func hasRaced() throws(StoreError) -> Bool {
        try firstEvent(kind: .raced) != nil
    }

    /// Ids of the jobs racing added.
    public func racedJobIDs() throws(StoreError) -> Set<String> {
        Set(try racedJobIDsInOrder())
    }

    /// Ids of the jobs racing added, in the order it added them: its first step's (a fresh seed
    /// for each finalist) lead.
    public func racedJobIDsInOrder() throws(StoreError) -> [String] {
        try racedSteps().map(\.jobID)
    }

    /// The jobs racing added with the step that added each (1: the finalists' fresh seeds), in
    /// the order it added them; a step is nil for race jobs stored before steps were numbered.
    public func racedSteps() throws(StoreError) -> [(jobID: String, step: Int?)] {
        try database.query("SELECT job_id, step FROM raced ORDER BY rowid") { (row: Statement) throws(StoreError) in
            (row.string(at: 0), row.isNull(at: 1) ? nil : Int(clamping: row.int64(at: 1)))
        }
    }
}
