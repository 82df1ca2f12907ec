import CSQLite

/// A failure of the sweep store: the SQLite result code kept as a typed code (so callers can branch
/// on `.busy` vs `.full`), SQLite's own message, the operation that failed, the database path, and a
/// message that says what happened and what to do about it.
///
/// Codes below 256 are SQLite's primary result codes; the store's own conditions (a store that
/// already exists, one that is missing, a schema from a newer tool, a row that does not decode) use
/// codes from 1000 up so they can never collide with SQLite's.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A primary SQLite result code, or one of the store's own codes (1000 and up).
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// SQLITE_ERROR: a generic SQL error (bad SQL, missing table).
        public static let error = Code(rawValue: SQLITE_ERROR)
        /// SQLITE_PERM: the OS denied access.
        public static let permission = Code(rawValue: SQLITE_PERM)
        /// SQLITE_BUSY: another connection held a lock longer than the busy timeout.
        public static let busy = Code(rawValue: SQLITE_BUSY)
        /// SQLITE_LOCKED: a conflict inside this process's connections.
        public static let locked = Code(rawValue: SQLITE_LOCKED)
        /// SQLITE_NOMEM.
        public static let noMemory = Code(rawValue: SQLITE_NOMEM)
        /// SQLITE_READONLY: the file, its directory or the connection is read-only.
        public static let readOnly = Code(rawValue: SQLITE_READONLY)
        /// SQLITE_IOERR: the OS reported an I/O error.
        public static let ioError = Code(rawValue: SQLITE_IOERR)
        /// SQLITE_CORRUPT: the file is damaged.
        public static let corrupt = Code(rawValue: SQLITE_CORRUPT)
        /// SQLITE_FULL: the disk (or the page limit) is full.
        public static let full = Code(rawValue: SQLITE_FULL)
        /// SQLITE_CANTOPEN: the file cannot be opened (missing directory, permissions).
        public static let cantOpen = Code(rawValue: SQLITE_CANTOPEN)
        /// SQLITE_CONSTRAINT: a primary key, foreign key, NOT NULL or CHECK constraint failed.
        public static let constraint = Code(rawValue: SQLITE_CONSTRAINT)
        /// SQLITE_TOOBIG: a value exceeds SQLite's length limit.
        public static let tooBig = Code(rawValue: SQLITE_TOOBIG)
        /// SQLITE_MISUSE: the library was used wrongly (a bug here).
        public static let misuse = Code(rawValue: SQLITE_MISUSE)
        /// SQLITE_NOTADB: the file is not an SQLite database.
        public static let notADatabase = Code(rawValue: SQLITE_NOTADB)

        /// The store's own: `create` found a store already at the path.
        public static let storeExists = Code(rawValue: 1001)
        /// The store's own: `open` found no store at the path.
        public static let storeMissing = Code(rawValue: 1002)
        /// The store's own: the file was written by a newer version of the tool.
        public static let schemaTooNew = Code(rawValue: 1003)
        /// The store's own: a stored row did not decode (config JSON, metrics, blob length).
        public static let invalidData = Code(rawValue: 1004)
        /// The store's own: a job id that the store does not know.
        public static let unknownJob = Code(rawValue: 1005)
        /// The store's own: the file's schema version is one no version of the tool writes.
        public static let schemaUnknown = Code(rawValue: 1006)

        public var description: String {
            switch self {
            case .storeExists: "store exists"
            case .storeMissing: "store missing"
            case .schemaTooNew: "schema too new"
            case .invalidData: "invalid data"
            case .unknownJob: "unknown job"
            case .schemaUnknown: "schema unknown"
            default: String(cString: sqlite3_errstr(rawValue))
            }
        }

        /// Lets `case .full:` match an error's code in a `switch`.
        public static func ~= (pattern: Code, value: StoreError) -> Bool { pattern == value.code }
    }

    /// The primary code (`extendedCode & 0xFF` for SQLite codes).
    public var code: Code
    /// SQLite's extended result code (e.g. SQLITE_IOERR_WRITE), or the store's code.
    public var extendedCode: Int32
    /// What happened and how to fix it, for the user.
    public var message: String
    /// `sqlite3_errmsg` at the time of failure (empty for the store's own codes).
    public var sqliteMessage: String
    /// What the store was doing: an SQL statement or a named operation.
    public var operation: String
    /// The database file.
    public var path: String

    public init(code: Code, extendedCode: Int32? = nil, message: String, sqliteMessage: String = "",
                operation: String, path: String) {
        self.code = code
        self.extendedCode = extendedCode ?? code.rawValue
        self.message = message
        self.sqliteMessage = sqliteMessage
        self.operation = operation
        self.path = path
    }

    /// An error from an SQLite result code, with a message that tells the user what to do.
    init(sqliteCode: Int32, sqliteMessage: String, operation: String, path: String) {
        let code = Code(rawValue: sqliteCode & 0xFF)
        self.init(code: code, extendedCode: sqliteCode, message: Self.advice(for: code, path: path, sqliteMessage: sqliteMessage),
                  sqliteMessage: sqliteMessage, operation: operation, path: path)
    }

    public var description: String {
        let detail = sqliteMessage.isEmpty ? "" : ": \(sqliteMessage)"
        return "\(message) [\(code) during \(operation)\(detail)]"
    }

    /// The user-facing advice for one SQLite code.
    static func advice(for code: Code, path: String, sqliteMessage: String) -> String {
        switch code {
        case .full:
            "the disk holding \(path) is full: free space and re-run the same command; finished jobs are kept"
        case .busy, .locked:
            "\(path) stayed locked by another process for more than 5 s: is another `ebm-sweep run` using this sweep? "
                + "Stop it or wait for it, then re-run"
        case .readOnly, .permission:
            "\(path) cannot be written: check the permissions of the file and of its directory "
                + "(SQLite writes -wal and -shm files beside it)"
        case .corrupt, .notADatabase:
            "\(path) is not a readable sweep database (damaged, or not SQLite at all): move it aside and start "
                + "a new sweep, or restore it from a backup"
        case .cantOpen:
            "cannot open \(path): check that its directory exists and is writable"
        case .ioError:
            "the disk reported an I/O error on \(path): check the disk, then re-run the same command; finished jobs are kept"
        case .constraint:
            "a write to \(path) broke a database constraint (\(sqliteMessage)): this is a bug in ebm-sweep; "
                + "please report it with the command you ran"
        default:
            "SQLite failed on \(path) (\(sqliteMessage)): re-run the same command; if it fails again, report it"
        }
    }
}
