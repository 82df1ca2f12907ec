import Foundation
import Sweep

/// The jobs racing added (docs/design.md, "Racing"). They are ordinary jobs (leased, retried,
/// resumed like any other); the `raced` table only says the spec did not plan them.
extension SweepStore {
    /// Adds `jobs` as racing's and logs `detail`, in one transaction; with no jobs it only logs,
    /// so a sweep whose best had no close rival is not raced again on resume.
    /// - Returns: how many jobs were new.
    @discardableResult
    public func race(_ jobs: [Job], detail: String, at date: Date = Date()) throws(StoreError) -> Int {
        try database.transaction { () throws(StoreError) in
            let added = try insert(jobs, ignoringExisting: true)
            let statement = try database.prepare("INSERT OR IGNORE INTO raced (job_id) VALUES (?)")
            for job in jobs {
                try statement.bind([.text(job.id)])
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
        try database.query("SELECT job_id FROM raced ORDER BY rowid") { (row: Statement) throws(StoreError) in row.string(at: 0) }
    }
}
