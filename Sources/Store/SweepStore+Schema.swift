/// The store's schema, versioned with `PRAGMA user_version` and migrated one version at a time.
///
/// `migrations[v]` takes a database at version `v` to `v + 1`. To change the schema, append a
/// migration (never edit a shipped one) and the new version follows from the array's length.
/// Each migration runs with `user_version` bump in the same transaction, so a crash mid-upgrade
/// leaves the old version intact.
extension SweepStore {
    /// The schema version this build writes and reads.
    public static var schemaVersion: Int { migrations.count }

    static let migrations: [String] = [
        // 0 → 1: the first schema (docs/design.md, "The sweep directory").
        """
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
        """,
        // 1 → 2: one word for a run's state (`RunStatus`; docs/design.md). Jobs say `ok` where
        // they said `done`, and a result may be `failed` (a refused configuration is data, kept
        // with its reason). A job rests in any word but `cancelled` (which ends an attempt,
        // never a job); a result holds a finished word. Both lists also admit `stopped`,
        // reserved for early stopping, so adding that word needs no migration. SQLite cannot
        // change a CHECK constraint, so both tables are rebuilt and copied, the results first:
        // no foreign key ever points at a dropped table.
        """
        CREATE TABLE jobs_v2 (
            job_id TEXT PRIMARY KEY,
            config_id TEXT NOT NULL,
            seed INTEGER NOT NULL,
            config_json TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'running', 'ok', 'diverged', 'failed', 'stopped')),
            attempts INTEGER NOT NULL DEFAULT 0,
            worker TEXT,
            started_at TEXT,
            finished_at TEXT,
            seconds REAL,
            error TEXT
        );
        INSERT INTO jobs_v2 SELECT job_id, config_id, seed, config_json,
            CASE status WHEN 'done' THEN 'ok' ELSE status END,
            attempts, worker, started_at, finished_at, seconds, error FROM jobs;
        CREATE TABLE results_v2 (
            job_id TEXT PRIMARY KEY REFERENCES jobs_v2 (job_id),
            attempt INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('ok', 'diverged', 'failed', 'stopped')),
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
        INSERT INTO results_v2 SELECT job_id, attempt,
            CASE status WHEN 'cancelled' THEN 'failed' ELSE status END,
            metrics_json, error, worker, seconds, seconds_per_iteration, loss_history, samples,
            samples_rows, samples_columns, checkpoint FROM results;
        DROP TABLE results;
        DROP TABLE jobs;
        ALTER TABLE jobs_v2 RENAME TO jobs;
        ALTER TABLE results_v2 RENAME TO results;
        CREATE INDEX jobs_by_config ON jobs (config_id);
        CREATE INDEX jobs_by_status ON jobs (status);
        """,
        // 2 → 3: each result's BLAS kernel family and the worker CPU's vector width (docs/design.md,
        // "Determinism"); NULL for results stored before, which did not report them.
        """
        ALTER TABLE results ADD COLUMN blas_kernel TEXT;
        ALTER TABLE results ADD COLUMN vector_width INTEGER;
        """,
        // 3 → 4: early stopping's rung reports, in arrival order (the row id): a restarted
        // coordinator replays them into its stopping rule and gets every decision back. One per
        // job and rung (a retried attempt reports the same values again). A non-finite metric is
        // stored as NULL.
        """
        CREATE TABLE rungs (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            job_id TEXT NOT NULL REFERENCES jobs (job_id),
            attempt INTEGER NOT NULL,
            worker TEXT NOT NULL,
            iteration INTEGER NOT NULL CHECK (iteration > 0),
            metric REAL,
            escaped REAL NOT NULL CHECK (escaped >= 0 AND escaped <= 1),
            at TEXT NOT NULL,
            UNIQUE (job_id, iteration)
        );
        """,
        // 4 → 5: the jobs racing added (docs/design.md, "Racing"): extra seeds of the best and its
        // closest rivals, which the spec does not plan, so a re-run of the same spec is not refused.
        """
        CREATE TABLE raced (
            job_id TEXT PRIMARY KEY REFERENCES jobs (job_id)
        );
        """,
        // 5 → 6: each result's place among the early-stopping rule's inputs: the last rung report
        // (`rungs.seq`) stored before it. A diverged result is an input too (docs/design.md, "A
        // diverged seed ends its configuration"), so a restarted coordinator replays rungs and
        // diverged results interleaved as they arrived. NULL for results stored before.
        """
        ALTER TABLE results ADD COLUMN rungs_before INTEGER;
        """,
        // 6 → 7: which step of the race added each raced job: 1 the finalists' fresh seeds, 2 and on
        // a first-ranked configuration's other seeds, one step each (docs/design.md, "Racing");
        // NULL for race jobs stored before, whose steps the report then infers from their order.
        // And when a job joined the sweep after its creation (grown or raced), so the best over
        // time waits for the seeds a configuration had then, not for seeds added later; NULL for
        // the jobs a sweep was created with, and for every job stored before.
        """
        ALTER TABLE raced ADD COLUMN step INTEGER;
        ALTER TABLE jobs ADD COLUMN added_at TEXT;
        """,
    ]

    /// Brings `database` to `schemaVersion`, all steps in one transaction: a crash or a failing
    /// step leaves the file as it was.
    /// - Throws: `.schemaTooNew` if the file comes from a newer build, `.schemaUnknown` if no
    ///   build writes its version.
    static func migrate(_ database: Database) throws(StoreError) {
        try database.transaction { () throws(StoreError) in
            let version = try database.userVersion
            guard version >= 0 else { throw schemaUnknown(version, path: database.path) }
            guard version <= schemaVersion else { throw schemaTooNew(version, path: database.path) }
            for next in version..<schemaVersion {
                try database.executeScript(migrations[next])
                try database.execute("PRAGMA user_version = \(next + 1)")
            }
        }
    }

    /// Refuses files this build cannot read, without writing (for read-only opens).
    static func checkVersion(_ database: Database) throws(StoreError) {
        let version = try database.userVersion
        if version == 0 { throw notAStore(database.path) }
        if version < 0 { throw schemaUnknown(version, path: database.path) }
        if version > schemaVersion { throw schemaTooNew(version, path: database.path) }
        if version < schemaVersion {
            throw StoreError(code: .schemaTooNew,
                             message: "\(database.path) has schema version \(version), this build reads \(schemaVersion): "
                             + "run `ebm-sweep run` on it once to upgrade it, then look again",
                             operation: "open read-only", path: database.path)
        }
    }

    private static func schemaUnknown(_ version: Int, path: String) -> StoreError {
        StoreError(code: .schemaUnknown,
                   message: "\(path) has schema version \(version), which no ebm-sweep writes (this build knows 1 to "
                   + "\(schemaVersion)): it is not a sweep database this tool made; move it aside and start the sweep again",
                   operation: "migrate", path: path)
    }

    private static func schemaTooNew(_ version: Int, path: String) -> StoreError {
        StoreError(code: .schemaTooNew,
                   message: "\(path) was written by a newer ebm-sweep (schema version \(version), this build knows "
                   + "\(schemaVersion)): upgrade ebm-sweep to use this sweep",
                   operation: "migrate", path: path)
    }
}
