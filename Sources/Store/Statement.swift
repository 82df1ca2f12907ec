import CSQLite

/// A value bound to, or read from, an SQLite statement.
public enum SQLiteValue: Sendable, Equatable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case null

    /// `.text(s)` or `.null`.
    public static func text(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }
    /// `.real(x)` or `.null`.
    public static func real(_ value: Double?) -> SQLiteValue { value.map { .real($0) } ?? .null }
}

/// SQLite copies bound text and blobs at once (SQLITE_TRANSIENT), so Swift buffers may go away.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One prepared statement, finalized exactly once in `deinit`. It keeps its `Database` alive.
/// Parameter and column indices follow SQLite: parameters from 1, columns from 0.
public final class Statement {
    public let database: Database
    public let sql: String
    private let handle: OpaquePointer

    init(database: Database, sql: String) throws(StoreError) {
        var statement: OpaquePointer?
        try database.check(sqlite3_prepare_v2(database.handle, sql, -1, &statement, nil), operation: sql)
        guard let statement else {
            // An empty or comment-only statement: a programmer error in this module.
            throw StoreError(sqliteCode: SQLITE_MISUSE, sqliteMessage: "empty SQL statement", operation: sql,
                             path: database.path)
        }
        self.database = database
        self.sql = sql
        self.handle = statement
    }

    deinit { sqlite3_finalize(handle) }

    // MARK: Binding

    /// Binds `values` to parameters 1…n after clearing earlier bindings.
    public func bind(_ values: [SQLiteValue]) throws(StoreError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    /// Binds one value. Reals read back bit-exact, except that SQLite stores an integral value of a
    /// REAL column as an integer, so -0.0 reads back as +0.0; store double arrays as blobs instead.
    public func bind(_ value: SQLiteValue, at index: Int32) throws(StoreError) {
        let rc: Int32
        switch value {
        case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
        case .real(let v): rc = sqlite3_bind_double(handle, index, v)
        case .text(let v):
            // An explicit byte count keeps text after an embedded NUL.
            rc = sqlite3_bind_text64(handle, index, v, UInt64(v.utf8.count), transient, UInt8(SQLITE_UTF8))
        case .null: rc = sqlite3_bind_null(handle, index)
        case .blob(let bytes):
            if bytes.isEmpty {
                // sqlite3_bind_blob with a nil pointer would bind NULL; an empty blob is not NULL.
                rc = sqlite3_bind_zeroblob(handle, index, 0)
            } else {
                rc = bytes.withUnsafeBytes { sqlite3_bind_blob64(handle, index, $0.baseAddress, UInt64($0.count), transient) }
            }
        }
        try database.check(rc, operation: sql)
    }

    public func bind(_ value: Int64, at index: Int32) throws(StoreError) { try bind(.integer(value), at: index) }
    public func bind(_ value: Double, at index: Int32) throws(StoreError) { try bind(.real(value), at: index) }
    public func bind(_ value: String, at index: Int32) throws(StoreError) { try bind(.text(value), at: index) }
    public func bind(_ value: [UInt8], at index: Int32) throws(StoreError) { try bind(.blob(value), at: index) }
    public func bindNull(at index: Int32) throws(StoreError) { try bind(.null, at: index) }

    // MARK: Stepping

    /// Advances to the next row: true if there is one, false when the statement is done.
    public func step() throws(StoreError) -> Bool {
        let rc = try database.check(sqlite3_step(handle), operation: sql, accepted: [SQLITE_ROW, SQLITE_DONE])
        return rc == SQLITE_ROW
    }

    // MARK: Columns of the current row

    public func isNull(at column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    public func int64(at column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    public func double(at column: Int32) -> Double { sqlite3_column_double(handle, column) }

    /// The column as text; "" for NULL.
    public func string(at column: Int32) -> String {
        guard let text = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The column as bytes; [] for NULL or an empty blob.
    public func blob(at column: Int32) -> [UInt8] {
        // column_blob first, then column_bytes: the order SQLite documents as safe.
        guard let bytes = sqlite3_column_blob(handle, column) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, column))
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    public func optionalString(at column: Int32) -> String? { isNull(at: column) ? nil : string(at: column) }
    public func optionalDouble(at column: Int32) -> Double? { isNull(at: column) ? nil : double(at: column) }
    public func optionalInt64(at column: Int32) -> Int64? { isNull(at: column) ? nil : int64(at: column) }
}
