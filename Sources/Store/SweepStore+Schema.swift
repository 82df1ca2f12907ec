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
        // 0 → 1: the first schema (design.md §7).
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
    ]

    /// Brings `database` to `schemaVersion`, each step in its own transaction.
    /// - Throws: `.schemaTooNew` if the file comes from a newer build.
    static func migrate(_ database: Database) throws(StoreError) {
        try database.transaction { () throws(StoreError) in
            let version = try database.userVersion
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
        if version > schemaVersion { throw schemaTooNew(version, path: database.path) }
        if version < schemaVersion {
            throw StoreError(code: .schemaTooNew,
                             message: "\(database.path) has schema version \(version), this build reads \(schemaVersion): "
                             + "run `ebm-sweep run` on it once to upgrade it, then look again",
                             operation: "open read-only", path: database.path)
        }
    }

    private static func schemaTooNew(_ version: Int, path: String) -> StoreError {
        StoreError(code: .schemaTooNew,
                   message: "\(path) was written by a newer ebm-sweep (schema version \(version), this build knows "
                   + "\(schemaVersion)): upgrade ebm-sweep to use this sweep",
                   operation: "migrate", path: path)
    }
}
