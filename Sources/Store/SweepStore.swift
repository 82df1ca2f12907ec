// Store: a sweep's truth in SQLite — jobs, results, rungs, racing, events, schema migrations, and the lock on its directory.

import EBMCore
import Foundation
import Sweep

/// The sweep's truth: `results/<name>/sweep.sqlite` (docs/design.md, "The sweep directory") with
/// the spec, every job's status, every accepted result and an event log.
///
/// Crash safety: every state change is one transaction, so a process killed at any point leaves
/// the last committed state; `record(_:finishedAt:)` writes the result row and marks the job
/// finished together (the commit point of a job). After a coordinator crash, jobs it left
/// `running` are handed back by the next coordinator (`Scheduler(resuming:)`), attempt not counted.
///
/// Concurrency: synchronous, and not `Sendable`: one `SweepStore` per process, used from one
/// thread or task (the coordinator loop). Other processes may read at the same time through
/// `openReadOnly(at:)`: WAL mode lets them see the last commit without blocking the writer.
public final class SweepStore {
    /// The connection; internal so tests can reach SQLite settings (e.g. `max_page_count`).
    let database: Database

    /// The database file.
    public var path: String { database.path }

    /// Written into the `sweep` row by `create` when the caller names no version: this build's.
    public static let defaultToolVersion = Hardware.buildVersion

    private init(database: Database) {
        self.database = database
    }

    // MARK: Opening

    /// Creates a new store at `path` (and its directory) holding the spec and every job pending.
    /// The file appears at `path` complete or not at all.
    /// - Throws: `.storeExists` if a file is already at `path` (resume with `open(at:)` instead);
    ///   SQLite errors such as `.full` or `.cantOpen`. On failure no file is left behind.
    public static func create(at path: String, name: String, specText: String, specHash: String, specPath: String,
                              jobs: [Job], toolVersion: String = defaultToolVersion,
                              createdAt: Date = Date()) throws(StoreError) -> SweepStore {
        let files = FileManager.default
        guard !files.fileExists(atPath: path) else {
            throw StoreError(code: .storeExists,
                             message: "a sweep store already exists at \(path): re-run the same command to resume it, "
                             + "or choose a new sweep name or output directory", operation: "create", path: path)
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? files.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        // Built under another name and renamed into place once complete: a process killed half-way
        // (a coordinator's first second) must not leave a half-made store every later run refuses.
        let building = path + ".creating"
        func removeBuilding() { for suffix in ["", "-wal", "-shm", "-journal"] { try? files.removeItem(atPath: building + suffix) } }
        removeBuilding()
        do throws(StoreError) {
            do {
                let store = SweepStore(database: try Database(path: building, mode: .create))
                try migrate(store.database)
                try store.database.transaction { () throws(StoreError) in
                    try store.database.execute(
                        "INSERT INTO sweep (id, name, spec_text, spec_hash, spec_path, created_at, tool_version) "
                            + "VALUES (1, ?, ?, ?, ?, ?, ?)",
                        [.text(name), .text(specText), .text(specHash), .text(specPath),
                         .text(StoreCoding.timestamp(createdAt)), .text(toolVersion)])
                    _ = try store.insert(jobs, ignoringExisting: false)
                }
                // Everything into the main file: only that file is renamed.
                try store.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            }
            guard rename(building, path) == 0 else {
                throw StoreError(code: .cantOpen, message: "cannot rename \(building) to \(path): \(String(cString: strerror(errno)))",
                                 operation: "create", path: path)
            }
            return try open(at: path)
        } catch {
            removeBuilding()
            throw error
        }
    }

    /// Opens an existing store for the coordinator, upgrading its schema if it is older and
    /// finishing every job that has a stored result (`finishJobsWithResults`).
    /// - Throws: `.storeMissing` if there is no file; `.notADatabase`/`.corrupt` if the file is not a
    ///   sweep database; `.schemaTooNew` if a newer build wrote it, `.schemaUnknown` if none did.
    public static func open(at path: String) throws(StoreError) -> SweepStore {
        try requireFile(at: path)
        let store = SweepStore(database: try Database(path: path, mode: .readWrite))
        // Version 0 is an SQLite file that `create` never finished or never made: leave it untouched.
        guard try store.database.userVersion != 0 else { throw notAStore(path) }
        try migrate(store.database)
        try store.requireSweepRow()
        try store.finishJobsWithResults()
        return store
    }

    /// Opens a store read-only, for `ebm-sweep status DIR` on a sweep another process is running.
    /// It sees the last committed state and never blocks the writer.
    public static func openReadOnly(at path: String) throws(StoreError) -> SweepStore {
        try requireFile(at: path)
        let store = SweepStore(database: try Database(path: path, mode: .readOnly))
        try checkVersion(store.database)
        try store.requireSweepRow()
        return store
    }

    private static func requireFile(at path: String) throws(StoreError) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(code: .storeMissing,
                             message: "there is no sweep store at \(path): check the directory, or start the sweep "
                             + "with `ebm-sweep run SPEC`", operation: "open", path: path)
        }
    }

    private func requireSweepRow() throws(StoreError) {
        let rows = try database.query("SELECT count(*) FROM sweep") { $0.int64(at: 0) }
        guard rows.first == 1 else { throw Self.notAStore(path) }
    }

    static func notAStore(_ path: String) -> StoreError {
        StoreError(code: .invalidData,
                   message: "\(path) is an SQLite file but holds no sweep: move it aside and start the sweep again",
                   operation: "open", path: path)
    }

    // MARK: The spec

    /// The sweep's name, as given to `create`.
    public var name: String { get throws(StoreError) { try sweepColumn("name") } }
    /// The spec file's text at creation: resume compares it to the spec on disk.
    public var specText: String { get throws(StoreError) { try sweepColumn("spec_text") } }
    public var specHash: String { get throws(StoreError) { try sweepColumn("spec_hash") } }
    public var specPath: String { get throws(StoreError) { try sweepColumn("spec_path") } }
    public var toolVersion: String { get throws(StoreError) { try sweepColumn("tool_version") } }

    private func sweepColumn(_ column: String) throws(StoreError) -> String {
        try database.query("SELECT \(column) FROM sweep WHERE id = 1") { $0.string(at: 0) }.first ?? ""
    }

    // MARK: Events

    /// Appends one event to the log (its own transaction, or the caller's if inside one).
    public func log(event: StoreEvent) throws(StoreError) {
        try database.execute(
            "INSERT INTO events (at, kind, job_id, worker, detail) VALUES (?, ?, ?, ?, ?)",
            [.text(StoreCoding.timestamp(event.at)), .text(event.kind.rawValue), .text(event.jobID),
             .text(event.worker), .text(event.detail)])
    }

    /// Configurations any job of which was ever handed to a worker (a lease event; a requeue clears
    /// the job's own start time, the event log keeps it).
    public func startedConfigurations() throws(StoreError) -> Set<String> {
        Set(try database.query("SELECT DISTINCT j.config_id FROM events e JOIN jobs j ON j.job_id = e.job_id WHERE e.kind = ?",
                               [.text(StoreEvent.Kind.lease.rawValue)]) { (row: Statement) throws(StoreError) in row.string(at: 0) })
    }

    /// The event log in the order written, optionally only one kind.
    public func events(kind: StoreEvent.Kind? = nil) throws(StoreError) -> [StoreEvent] {
        try events(kind: kind, limit: nil)
    }

    /// The first event of `kind`, without reading the others (the first lease: when a sweep began).
    public func firstEvent(kind: StoreEvent.Kind) throws(StoreError) -> StoreEvent? {
        try events(kind: kind, limit: 1).first
    }

    private func events(kind: StoreEvent.Kind?, limit: Int?) throws(StoreError) -> [StoreEvent] {
        let filter = kind == nil ? "" : " WHERE kind = ?"
        let values: [SQLiteValue] = kind.map { [.text($0.rawValue)] } ?? []
        let limited = limit.map { " LIMIT \($0)" } ?? ""
        return try database.query("SELECT at, kind, job_id, worker, detail FROM events\(filter) ORDER BY id\(limited)", values) {
            (row: Statement) throws(StoreError) -> StoreEvent in
            let kindText = row.string(at: 1)
            guard let kind = StoreEvent.Kind(rawValue: kindText) else {
                throw StoreCoding.invalid("events.kind is \"\(kindText)\"", path: path)
            }
            return StoreEvent(at: try StoreCoding.date(row.string(at: 0), path: path), kind: kind,
                              jobID: row.optionalString(at: 2), worker: row.optionalString(at: 3),
                              detail: row.optionalString(at: 4))
        }
    }
}
