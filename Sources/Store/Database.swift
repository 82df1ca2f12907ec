import CSQLite

/// One SQLite connection: the only owner of its `sqlite3*` handle, which it closes exactly once in
/// `deinit` (swift-system's one-owner rule). Every call into SQLite that can fail goes through
/// `check(_:operation:)`, which turns the result code into a typed `StoreError`.
///
/// A read-write connection runs in WAL journal mode (readers in other processes never block the
/// writer and see the last committed state), `synchronous=NORMAL` (a killed process loses nothing
/// committed; a power cut may lose the last few commits, never the file's integrity), a busy
/// timeout of 5000 ms and foreign keys on.
///
/// Thread safety: a `Database` is not `Sendable`; use it from one thread or task at a time.
public final class Database {
    /// How to open the file.
    public enum Mode: Sendable {
        /// Read and write; the file must exist.
        case readWrite
        /// Read and write, creating the file if it is missing.
        case create
        /// Read only (`PRAGMA query_only` as well); for `ebm-sweep status` on a live sweep.
        case readOnly
    }

    /// The file this connection opened.
    public let path: String
    let handle: OpaquePointer
    /// True between `BEGIN` and `COMMIT`/`ROLLBACK` of `transaction(_:)`.
    private var inTransaction = false

    /// Milliseconds SQLite waits on a lock held by another connection before giving up with `.busy`.
    public static let busyTimeoutMilliseconds: Int32 = 5000

    /// Opens `path` and applies the connection settings above.
    public init(path: String, mode: Mode) throws(StoreError) {
        var flags: Int32
        switch mode {
        case .readWrite: flags = SQLITE_OPEN_READWRITE
        case .create: flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readOnly: flags = SQLITE_OPEN_READONLY
        }
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(db)
            throw StoreError(sqliteCode: rc, sqliteMessage: message, operation: "open", path: path)
        }
        self.handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, Self.busyTimeoutMilliseconds)
        // The first statements read the file header: a file that is not SQLite fails here, by name.
        if mode == .readOnly {
            try execute("PRAGMA query_only = ON")
            try execute("PRAGMA schema_version")
        } else {
            try execute("PRAGMA journal_mode = WAL")
            try execute("PRAGMA synchronous = NORMAL")
        }
        try execute("PRAGMA foreign_keys = ON")
    }

    deinit {
        // Statements hold a strong reference to their Database, so none is alive here.
        sqlite3_close_v2(handle)
    }

    /// Throws a `StoreError` for any result code other than the `accepted` ones.
    @discardableResult
    func check(_ rc: Int32, operation: @autoclosure () -> String,
               accepted: Set<Int32> = [SQLITE_OK]) throws(StoreError) -> Int32 {
        if accepted.contains(rc) { return rc }
        throw StoreError(sqliteCode: rc, sqliteMessage: String(cString: sqlite3_errmsg(handle)),
                         operation: operation(), path: path)
    }

    /// Prepares one SQL statement.
    public func prepare(_ sql: String) throws(StoreError) -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// Runs one statement with `values` bound to its `?` parameters, stepping it to the end, and
    /// returns the number of rows it changed.
    @discardableResult
    public func execute(_ sql: String, _ values: [SQLiteValue] = []) throws(StoreError) -> Int {
        let statement = try prepare(sql)
        try statement.bind(values)
        while try statement.step() {}
        return changes
    }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE on this connection.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// Runs several `;`-separated statements without parameters (schema scripts).
    public func executeScript(_ sql: String) throws(StoreError) {
        try check(sqlite3_exec(handle, sql, nil, nil, nil), operation: sql)
    }

    /// Runs a query and maps each row.
    public func query<T>(_ sql: String, _ values: [SQLiteValue] = [],
                         row: (Statement) throws(StoreError) -> T) throws(StoreError) -> [T] {
        let statement = try prepare(sql)
        try statement.bind(values)
        var rows: [T] = []
        while try statement.step() {
            rows.append(try row(statement))
        }
        return rows
    }

    /// Runs `body` inside `BEGIN IMMEDIATE` … `COMMIT`: all of its writes land, or none of them.
    /// If `body` throws (or `COMMIT` fails, e.g. with `.full`), the transaction is rolled back and
    /// the error rethrown, leaving the last committed state.
    ///
    /// `IMMEDIATE` takes the write lock up front, so a second writer waits (up to the busy timeout)
    /// at `BEGIN` instead of failing halfway. A call inside another `transaction` joins the outer
    /// one: its writes commit or roll back with it.
    public func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        if inTransaction { return try body() }
        try execute("BEGIN IMMEDIATE")
        inTransaction = true
        defer { inTransaction = false }
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            rollback()
            throw error
        }
    }

    /// Rolls back the open transaction, if SQLite has not already done so (it does on SQLITE_FULL
    /// and some I/O errors). A failing ROLLBACK leaves nothing to do: SQLite then has rolled back.
    private func rollback() {
        if sqlite3_get_autocommit(handle) == 0 {
            sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
        }
    }

    /// `PRAGMA user_version`: the store's schema version.
    public var userVersion: Int {
        get throws(StoreError) {
            try query("PRAGMA user_version") { $0.int64(at: 0) }.first.map(Int.init) ?? 0
        }
    }
}
