import Foundation
import Testing
import EBMCore
import Sweep
@testable import Store

/// Sweep databases written by earlier releases open and are upgraded in one transaction; files of
/// an unknown or newer version are refused by name; every status a run can take can be stored.
@Suite("SweepStore schema versions")
struct SchemaMigrationTests {
    /// Schema version 1 exactly as the first release created it (copied, never derived from the
    /// sources, so a change to the shipped migrations cannot change what this test starts from).
    static let version1DDL = """
        CREATE TABLE sweep (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL,
            spec_text TEXT NOT NULL,
            spec_hash TEXT NOT NULL,
            spec_path TEXT NOT NULL,
            created_at TEXT NOT NULL,
            tool_version TEXT NOT NULL
        );
        CREATE TABLE jobs (
            job_id TEXT PRIMARY KEY,
            config_id TEXT NOT NULL,
            seed INTEGER NOT NULL,
            config_json TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'running', 'done', 'diverged', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            worker TEXT,
            started_at TEXT,
            finished_at TEXT,
            seconds REAL,
            error TEXT
        );
        CREATE INDEX jobs_by_config ON jobs (config_id);
        CREATE INDEX jobs_by_status ON jobs (status);
        CREATE TABLE results (
            job_id TEXT PRIMARY KEY REFERENCES jobs (job_id),
            attempt INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('ok', 'diverged', 'cancelled')),
            metrics_json TEXT NOT NULL,
            error TEXT,
            worker TEXT NOT NULL,
            seconds REAL NOT NULL,
            seconds_per_iteration REAL NOT NULL,
            loss_history BLOB NOT NULL,
            samples BLOB NOT NULL,
            samples_rows INTEGER NOT NULL,
            samples_columns INTEGER NOT NULL,
            checkpoint BLOB NOT NULL
        );
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            job_id TEXT,
            worker TEXT,
            detail TEXT
        );
        PRAGMA user_version = 1;
        """

    /// The jobs of the version-1 fixture and the status word version 1 stored for each.
    static let jobs = makeJobs(5)
    static let version1Statuses = ["pending", "running", "done", "diverged", "failed"]

    /// A version-1 sweep database at `path`, as the first release left it mid-sweep: one job in
    /// each status, results for the ok and the diverged one, an event. `extra` runs last.
    static func writeVersion1(at path: String, extra: String = "") throws {
        let db = try Database(path: path, mode: .create)
        try db.executeScript(version1DDL)
        try db.execute("INSERT INTO sweep VALUES (1, 'ml_swiss', 'name: ml_swiss\n', 'hash-1', 's.yaml', "
                       + "'2025-01-02T03:04:05.000Z', '0.1.0')")
        for (job, status) in zip(jobs, version1Statuses) {
            try db.execute("INSERT INTO jobs (job_id, config_id, seed, config_json, status, attempts, worker, error) "
                           + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           [.text(job.id), .text(job.configID), .integer(Int64(job.seed)),
                            .text(try StoreCoding.configJSON(job.config, path: path)), .text(status),
                            .integer(status == "pending" ? 0 : 2), status == "pending" ? .null : .text("w1"),
                            status == "failed" ? .text("no result after 3 attempts (workers lost)") : .null])
        }
        for (job, status) in [(jobs[2], "ok"), (jobs[3], "diverged")] {
            let r = makeResult(jobID: job.id, attempt: 2, status: RunStatus(rawValue: status) ?? .failed)
            try db.execute("INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [.text(r.jobID), .integer(2), .text(status), .text(try StoreCoding.metricsJSON(r.metrics, path: path)),
                            .text(r.error), .text(r.worker), .real(r.seconds), .real(r.secondsPerIteration),
                            .blob(StoreCoding.blob(r.lossHistory)), .blob(StoreCoding.blob(r.samples.storage)),
                            .integer(Int64(r.samples.rows)), .integer(Int64(r.samples.columns)), .blob(r.checkpoint)])
        }
        try db.execute("INSERT INTO events (at, kind, detail) VALUES ('2025-01-02T03:04:05.000Z', 'resumed', 'v1')")
        if !extra.isEmpty { try db.executeScript(extra) }
    }

    @Test("a version-1 database opens upgraded: `done` reads `ok`, rows, results and events kept, failed results storable")
    func migratesVersion1() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/sweep.sqlite"
            try Self.writeVersion1(at: path)
            // A reader never writes: it asks for the upgrade.
            let reader = storeError { () throws(StoreError) in _ = try SweepStore.openReadOnly(at: path) }
            #expect(reader?.message.contains(path) == true && reader?.message.contains("to upgrade it") == true)

            let store = try SweepStore.open(at: path)
            #expect(try store.database.userVersion == SweepStore.schemaVersion)
            let jobs = try store.jobs()
            #expect(jobs.map(\.job) == Self.jobs)
            #expect(jobs.map(\.status) == [.pending, .running, .ok, .diverged, .failed])
            #expect(jobs.map(\.attempts) == [0, 2, 2, 2, 2] && jobs[1].worker == "w1")
            #expect(jobs[4].error == "no result after 3 attempts (workers lost)")
            let results = try store.results()
            let expected = [makeResult(jobID: Self.jobs[2].id, attempt: 2), makeResult(jobID: Self.jobs[3].id, attempt: 2, status: .diverged)]
            #expect(results.map(\.status) == [.ok, .diverged])
            #expect(zip(results, expected).allSatisfy { bitsEqual($0.lossHistory, $1.lossHistory) && $0.checkpoint == $1.checkpoint })
            #expect(try store.events().map(\.detail) == ["v1"])
            #expect(try store.database.query("PRAGMA foreign_key_check") { $0.string(at: 0) }.isEmpty)
            #expect(try store.database.query("PRAGMA integrity_check") { $0.string(at: 0) } == ["ok"])
            #expect(try store.database.query("SELECT count(*) FROM sqlite_master WHERE name LIKE '%_v2'") { $0.int64(at: 0) } == [0])

            // What version 1 could not hold: a failed result, and its job finished as failed.
            let refusal = makeResult(jobID: Self.jobs[0].id, status: .failed)
            #expect(try store.record(refusal))
            #expect(try store.job(id: Self.jobs[0].id)?.status == .failed)
            #expect(try store.result(jobID: Self.jobs[0].id)?.error == refusal.error)
            // The foreign key survived the rebuild: a result for no job is still refused.
            let orphan = storeError { () throws(StoreError) in
                try store.database.execute("INSERT INTO results SELECT 'nobody', attempt, status, metrics_json, error, worker, "
                    + "seconds, seconds_per_iteration, loss_history, samples, samples_rows, samples_columns, checkpoint, "
                    + "blas_kernel, vector_width, rungs_before FROM results LIMIT 1")
            }
            #expect(orphan?.code == .constraint)
        }
    }

    @Test("an upgrade that fails midway leaves the version-1 file exactly as it was")
    func failedUpgradeRollsBack() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/sweep.sqlite"
            // A table in the way of the upgrade's first step.
            try Self.writeVersion1(at: path, extra: "CREATE TABLE jobs_v2 (x INTEGER);")
            let error = storeError { () throws(StoreError) in _ = try SweepStore.open(at: path) }
            #expect(error?.code == .error && error?.path == path)
            let db = try Database(path: path, mode: .readOnly)
            #expect(try db.userVersion == 1)
            #expect(try db.query("SELECT status FROM jobs ORDER BY job_id") { $0.string(at: 0) } == Self.version1Statuses)
            #expect(try db.query("SELECT count(*) FROM results") { $0.int64(at: 0) } == [2])
        }
    }

    @Test("a database of a newer or an unknown schema version is refused, naming the file, and left untouched",
          arguments: [SweepStore.schemaVersion + 1, 99, -1, Int(Int32.min)])
    func refusesUnknownVersions(version: Int) throws {
        try withTemporaryDirectory { directory in
            let path: String
            do { path = try makeStore(in: directory, jobs: makeJobs(1)).path }
            try Database(path: path, mode: .readWrite).execute("PRAGMA user_version = \(version)")
            for readOnly in [false, true] {
                let error = try #require(storeError { () throws(StoreError) in
                    _ = readOnly ? try SweepStore.openReadOnly(at: path) : try SweepStore.open(at: path)
                })
                #expect(error.code == (version > 0 ? .schemaTooNew : .schemaUnknown))
                #expect(error.message.contains(path) && error.message.contains("\(version)"))
                #expect(error.message.contains(version > 0 ? "upgrade ebm-sweep" : "move it aside"))
            }
            #expect(try Database(path: path, mode: .readOnly).userVersion == version)
        }
    }

    @Test("every status a job can rest in, and every finished result, fits the schema and reads back")
    func everyStatusStorable() throws {
        try withTemporaryDirectory { directory in
            let finished = RunStatus.allCases.filter(\.isFinished)
            let store = try makeStore(in: directory, jobs: makeJobs(finished.count + SweepStore.jobStatuses.count))
            let ids = try store.jobs().map(\.id)
            for (id, status) in zip(ids, finished) {
                #expect(try store.record(makeResult(jobID: id, status: status)))
                #expect(try store.job(id: id)?.status == status && store.result(jobID: id)?.status == status)
            }
            for (id, status) in zip(ids.dropFirst(finished.count), SweepStore.jobStatuses) {
                try store.database.execute("UPDATE jobs SET status = ? WHERE job_id = ?", [.text(status.rawValue), .text(id)])
                #expect(try store.job(id: id)?.status == status)
            }
            #expect(try store.counts().values.reduce(0, +) == ids.count)
        }
    }
}
