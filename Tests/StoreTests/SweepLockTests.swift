import Foundation
import Testing
@testable import Store

@Suite("SweepLock: one coordinator per sweep directory")
struct SweepLockTests {
    @Test("a second lock on a held directory is refused, naming the holder's pid and host")
    func secondLockRefused() throws {
        try withTemporaryDirectory { directory in
            let first = try SweepLock.acquire(directory: directory)
            // flock locks belong to the open file description, so a second open conflicts even here.
            do {
                _ = try SweepLock.acquire(directory: directory, patience: 0.1)
                Issue.record("a second lock was granted")
            } catch let error as SweepLockError {
                let holder = try #require(error.holder)
                #expect(holder.pid == getpid())
                #expect(!holder.host.isEmpty && holder.host != "?")
                #expect(error.description.contains("pid \(getpid())"))
                #expect(error.description.contains("--out"))
            }
            first.release()
            _ = try SweepLock.acquire(directory: directory, patience: 0)
        }
    }

    @Test("probe says held while a lock is held and free afterwards, naming the last holder; it creates nothing")
    func probe() throws {
        try withTemporaryDirectory { directory in
            #expect(SweepLock.probe(directory: directory) == .free(last: nil))
            #expect(!FileManager.default.fileExists(atPath: directory + "/" + SweepLock.fileName))
            let lock = try SweepLock.acquire(directory: directory)
            guard case .held(let holder?) = SweepLock.probe(directory: directory) else {
                Issue.record("probe did not see the lock")
                return
            }
            #expect(holder.pid == getpid())
            lock.release()
            #expect(SweepLock.probe(directory: directory) == .free(last: holder))
        }
    }

    @Test("a child process does not inherit the lock: released here, it is free though the child lives")
    func notInherited() throws {
        try withTemporaryDirectory { directory in
            let lock = try SweepLock.acquire(directory: directory)
            let child = Process()
            child.executableURL = URL(fileURLWithPath: "/bin/sleep")
            child.arguments = ["30"]
            try child.run()
            defer { kill(child.processIdentifier, SIGKILL); child.waitUntilExit() }
            lock.release()
            if case .held = SweepLock.probe(directory: directory) { Issue.record("the child kept the lock") }
            _ = try SweepLock.acquire(directory: directory, patience: 0)
        }
    }

    @Test("the kernel releases the lock of a process killed with SIGKILL")
    func killReleases() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/" + SweepLock.fileName
            // One process holding the kind of lock a coordinator holds: the shell opens the file,
            // flock(1) locks that open file, and the shell becomes `sleep`, keeping it.
            let holder = Process()
            holder.executableURL = URL(fileURLWithPath: "/bin/sh")
            holder.arguments = ["-c", "exec 9>'\(path)'; flock -x 9; exec sleep 30"]
            try holder.run()
            let held = pollFor(5) { if case .held = SweepLock.probe(directory: directory) { true } else { false } }
            try #require(held, "the shell never took the lock")
            kill(holder.processIdentifier, SIGKILL)
            holder.waitUntilExit()
            let freed = pollFor(5) { if case .free = SweepLock.probe(directory: directory) { true } else { false } }
            #expect(freed)
        }
    }

    @Test("a hostile lock file is read bounded and printed escaped")
    func hostileHolderLine() {
        #expect(SweepLock.parse("pid 12 host a\u{1B}[2Jb since t\n") == SweepLock.Holder(pid: 12, host: "a[2Jb", since: "t"))
        #expect(SweepLock.parse("pid -3 host h since t") == nil)
        #expect(SweepLock.parse("garbage") == nil)
        #expect(SweepLock.parse("pid 1 host \(String(repeating: "x", count: 1000)) since t")?.host.count == 128)
    }
}

func pollFor(_ seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.02)
    }
    return condition()
}
