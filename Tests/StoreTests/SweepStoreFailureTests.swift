import Foundation
import Testing
import Sweep
@testable import Store

/// What happens when the world misbehaves: other processes, killed writers, full disks, bad files.
@Suite("SweepStore failures")
struct SweepStoreFailureTests {
    @Test("a reader in another connection and another process sees the last commit while a writer holds a transaction")
    func readWhileWriting() throws {
        try withTemporaryDirectory { directory in
            let store = try makeStore(in: directory, jobs: makeJobs(3))
            let writer = try Database(path: store.path, mode: .readWrite)
            try writer.execute("BEGIN IMMEDIATE")
            try writer.execute("UPDATE jobs SET status = 'ok'")

            let reader = try SweepStore.openReadOnly(at: store.path)
            #expect(try reader.counts()[.pending] == 3)
            let cli = try runShell("/usr/bin/sqlite3 -readonly '\(store.path)' \"SELECT count(*) FROM jobs WHERE status = 'pending'\"")
            #expect(cli.status == 0)
            #expect(cli.output.trimmingCharacters(in: .whitespacesAndNewlines) == "3")

            try writer.execute("COMMIT")
            #expect(try reader.counts()[.ok] == 3)
        }
    }

    @Test("a writer killed inside a transaction leaves the last committed state, and the store stays writable")
    func killedWriter() throws {
        try withTemporaryDirectory { directory in
            let path: String
            do { path = try makeStore(in: directory, jobs: makeJobs(3)).path }
            // A real second process: the sqlite3 shell commits one change, then starts a transaction
            // that spills ~5 MB of uncommitted pages into the WAL, then SIGKILLs itself (its `.shell`
            // child's parent is the sqlite3 process) before COMMIT.
            let script = """
                /usr/bin/sqlite3 '\(path)' <<'SQL'
                PRAGMA busy_timeout = 5000;
                UPDATE jobs SET status = 'running', worker = 'cli', attempts = 1 WHERE job_id = 'c0ffee-s0';
                PRAGMA cache_size = 10;
                BEGIN IMMEDIATE;
                UPDATE jobs SET status = 'ok';
                INSERT INTO events (at, kind, detail)
                  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
                  SELECT 'x', 'half-written', hex(randomblob(50000)) FROM n;
                .shell kill -9 $PPID
                COMMIT;
                SQL
                """
            let run = try runShell(script)
            #expect(run.status == 128 + 9)  // the shell reports its child's SIGKILL as 137
            let walSize = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
            #expect(walSize > 1_000_000)  // the uncommitted pages did reach the WAL file

            let store = try SweepStore.open(at: path)
            let jobs = try store.jobs()
            #expect(jobs.map(\.status) == [.running, .pending, .pending])
            #expect(jobs[0].worker == "cli")
            #expect(try store.database.query("SELECT count(*) FROM events WHERE kind = 'half-written'") { $0.int64(at: 0) } == [0])
            try store.markPending(jobID: "c0ffee-s0", attempts: 1)
            #expect(try store.record(makeResult(jobID: "c0ffee-s0")))
            #expect(try store.counts()[.ok] == 1)
        }
    }

    @Test("a full disk is a typed .full error that says what to do, and the earlier state is intact")
    func diskFull() throws {
        try withTemporaryDirectory { directory in
            let store = try makeStore(in: directory, jobs: makeJobs(2))
            #expect(try store.record(makeResult(jobID: "c0ffee-s0")))
            // Simulates ENOSPC at the SQLite layer: capping the file at its current page count makes
            // the next write that needs a new page fail with SQLITE_FULL, as a full disk does.
            let pages = try store.database.query("PRAGMA page_count") { $0.int64(at: 0) }.first ?? 0
            try store.database.execute("PRAGMA max_page_count = \(pages)")
            let error = try #require(storeError { () throws(StoreError) in
                try store.record(makeResult(jobID: "c0ffee-s1", checkpointBytes: 1_000_000))
            })
            #expect(error.code == .full)
            #expect(error.message.contains(store.path))
            #expect(error.message.contains("free space and re-run the same command; finished jobs are kept"))

            #expect(try store.resultCount() == 1)
            #expect(try store.jobs().map(\.status) == [.ok, .pending])
            #expect(try store.events(kind: .resultAccepted).count == 1)
            // Space freed: the same result now commits.
            try store.database.execute("PRAGMA max_page_count = 1073741823")
            #expect(try store.record(makeResult(jobID: "c0ffee-s1", checkpointBytes: 1_000_000)))
        }
    }

    @Test("a writer that waits out the busy timeout gets .busy and writes nothing")
    func busy() throws {
        try withTemporaryDirectory { directory in
            let store = try makeStore(in: directory, jobs: makeJobs(1))
            let other = try Database(path: store.path, mode: .readWrite)
            try other.execute("BEGIN IMMEDIATE")
            try store.database.execute("PRAGMA busy_timeout = 50")  // keep the test fast
            let error = storeError { () throws(StoreError) in
                try store.markLeased(jobID: "c0ffee-s0", worker: "w1", attempt: 1)
            }
            #expect(error?.code == .busy)
            #expect(error?.message.contains("another `ebm-sweep run`") == true)
            try other.execute("ROLLBACK")
            #expect(try store.jobs().first?.status == .pending)
        }
    }

    @Test("a file that is not SQLite gives .notADatabase naming the path")
    func notADatabase() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/sweep.sqlite"
            try String(repeating: "this is not a database\n", count: 200).write(toFile: path, atomically: true, encoding: .utf8)
            for readOnly in [false, true] {
                let error = try #require(storeError { () throws(StoreError) in
                    _ = readOnly ? try SweepStore.openReadOnly(at: path) : try SweepStore.open(at: path)
                })
                #expect(error.code == .notADatabase)
                #expect(error.message.contains(path) && error.description.contains(path))
                #expect(error.message.contains("move it aside"))
            }
        }
    }

    @Test("an SQLite file that holds no sweep is refused and left untouched")
    func foreignSQLiteFile() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/sweep.sqlite"
            try runShell("/usr/bin/sqlite3 '\(path)' 'CREATE TABLE notes (x TEXT);'")
            let error = storeError { () throws(StoreError) in _ = try SweepStore.open(at: path) }
            #expect(error?.code == .invalidData && error?.message.contains(path) == true)
            let tables = try runShell("/usr/bin/sqlite3 '\(path)' \"SELECT name FROM sqlite_master WHERE type = 'table'\"")
            #expect(tables.output.trimmingCharacters(in: .whitespacesAndNewlines) == "notes")
        }
    }

    @Test("create refuses an existing store, open a missing one, and both name the path")
    func existsAndMissing() throws {
        try withTemporaryDirectory { directory in
            let missing = storeError { () throws(StoreError) in _ = try SweepStore.open(at: directory + "/none.sqlite") }
            #expect(missing?.code == .storeMissing && missing?.message.contains("none.sqlite") == true)
            let store = try makeStore(in: directory, jobs: makeJobs(1))
            try store.record(makeResult(jobID: "c0ffee-s0"))
            let exists = storeError { () throws(StoreError) in _ = try makeStoreTyped(in: directory) }
            #expect(exists?.code == .storeExists && exists?.message.contains(store.path) == true)
            #expect(try store.resultCount() == 1)
        }
    }

    @Test("a store from a newer schema is refused with .schemaTooNew")
    func schemaTooNew() throws {
        try withTemporaryDirectory { directory in
            let path: String
            do { path = try makeStore(in: directory, jobs: makeJobs(1)).path }
            #expect(try SweepStore.open(at: path).database.userVersion == SweepStore.schemaVersion)
            try runShell("/usr/bin/sqlite3 '\(path)' 'PRAGMA user_version = 99;'")
            let error = storeError { () throws(StoreError) in _ = try SweepStore.open(at: path) }
            #expect(error?.code == .schemaTooNew && error?.message.contains("upgrade ebm-sweep") == true)
        }
    }
}

/// `makeStore` with a typed throw, for `storeError { }`.
private func makeStoreTyped(in directory: String) throws(StoreError) -> SweepStore {
    try SweepStore.create(at: directory + "/sweep.sqlite", name: "again", specText: "", specHash: "",
                          specPath: "", jobs: [])
}
