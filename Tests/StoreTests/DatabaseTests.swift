import Foundation
import Testing
@testable import Store

@Suite("Database")
struct DatabaseTests {
    @Test("typed values bind and read back exactly, NULL and the empty blob kept apart")
    func typedRoundTrip() throws {
        try withTemporaryDirectory { directory in
            let db = try Database(path: directory + "/t.sqlite", mode: .create)
            try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB)")
            let rows: [[SQLiteValue]] = [
                [.integer(.min), .real(-0.0), .text("nul\u{0}inside, ünïcödé ∇"), .blob([0, 255, 1])],
                [.integer(.max), .real(.leastNonzeroMagnitude), .text(""), .blob([])],
                [.null, .null, .null, .null],
            ]
            for row in rows { try db.execute("INSERT INTO t VALUES (?, ?, ?, ?)", row) }
            let back = try db.query("SELECT i, r, s, b FROM t ORDER BY rowid") { row in
                (0..<4).map { (column: Int32) -> SQLiteValue in
                    if row.isNull(at: column) { return .null }
                    switch column {
                    case 0: return .integer(row.int64(at: 0))
                    case 1: return .real(row.double(at: 1))
                    case 2: return .text(row.string(at: 2))
                    default: return .blob(row.blob(at: 3))
                    }
                }
            }
            #expect(back == rows)
            // -0.0 == 0.0, so compare signs: SQLite stores integral values of a REAL column as integers,
            // which drops the sign of zero. The one non-exact case, and why double arrays go in blobs.
            let firstReal = try db.query("SELECT r FROM t LIMIT 1") { $0.double(at: 0) }.first
            #expect(firstReal?.sign == .plus)
            let reals: [Double] = [1.0 / 3.0, .pi, -Double.leastNonzeroMagnitude * 12345 /* a subnormal */, .greatestFiniteMagnitude, 3.0, -.infinity]
            for value in reals { try db.execute("INSERT INTO t (r) VALUES (?)", [.real(value)]) }
            let realsBack = try db.query("SELECT r FROM t WHERE i IS NULL AND r IS NOT NULL ORDER BY rowid") {
                $0.double(at: 0)
            }
            #expect(bitsEqual(realsBack, reals))
            #expect(try db.query("SELECT count(*) FROM t WHERE b IS NULL AND r IS NULL") { $0.int64(at: 0) } == [1])
        }
    }

    @Test("connections run in WAL mode with foreign keys on and a 5 s busy timeout")
    func connectionSettings() throws {
        try withTemporaryDirectory { directory in
            let db = try Database(path: directory + "/t.sqlite", mode: .create)
            #expect(try db.query("PRAGMA journal_mode") { $0.string(at: 0) } == ["wal"])
            #expect(try db.query("PRAGMA foreign_keys") { $0.int64(at: 0) } == [1])
            #expect(try db.query("PRAGMA busy_timeout") { $0.int64(at: 0) } == [5000])
            // synchronous NORMAL is 1 (OFF 0, NORMAL 1, FULL 2).
            #expect(try db.query("PRAGMA synchronous") { $0.int64(at: 0) } == [1])
        }
    }

    @Test("a transaction that throws midway leaves nothing, and the connection stays usable")
    func transactionRollsBack() throws {
        try withTemporaryDirectory { directory in
            let db = try Database(path: directory + "/t.sqlite", mode: .create)
            try db.execute("CREATE TABLE t (x INTEGER)")
            let thrown = storeError { () throws(StoreError) in
                try db.transaction { () throws(StoreError) in
                    try db.execute("INSERT INTO t VALUES (1)")
                    try db.execute("INSERT INTO t VALUES (2)")
                    try db.execute("INSERT INTO missing_table VALUES (3)")  // fails: SQLITE_ERROR
                }
            }
            #expect(thrown?.code == .error && thrown?.operation.contains("missing_table") == true)
            #expect(try db.query("SELECT count(*) FROM t") { $0.int64(at: 0) } == [0])
            _ = try db.transaction { () throws(StoreError) in try db.execute("INSERT INTO t VALUES (4)") }
            #expect(try db.query("SELECT x FROM t") { $0.int64(at: 0) } == [4])
        }
    }

    @Test("a broken constraint is a typed .constraint error that names the statement")
    func constraintError() throws {
        try withTemporaryDirectory { directory in
            let db = try Database(path: directory + "/t.sqlite", mode: .create)
            try db.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")
            try db.execute("INSERT INTO t VALUES (1)")
            let error = try #require(storeError { () throws(StoreError) in try db.execute("INSERT INTO t VALUES (1)") })
            #expect(error.code == .constraint)
            #expect(error.sqliteMessage.contains("UNIQUE"))
            #expect(error.operation == "INSERT INTO t VALUES (1)")
            #expect(error.extendedCode != error.code.rawValue)  // SQLITE_CONSTRAINT_PRIMARYKEY, an extended code
        }
    }
}
