import Foundation
import Store
import Sweep
import Testing
import TestSupport

/// One coordinator per sweep directory, and what is left when it dies: the lock, `status`, the
/// local workers and their logs (real processes, real sockets, a real SQLite file).
@Suite("A coordinator's life and death", .serialized)
struct CoordinatorLifeTests {
    static let sweepTimeout: TimeInterval = 240

    @Test("A second coordinator on the same directory is refused at once, naming the first's pid and host; the first completes unharmed")
    func secondCoordinatorRefused() throws {
        let harness = try ProcessHarness(label: "two-coord")
        let spec = try SweepFixtures.write(SweepFixtures.spec(name: "two", iterations: 400), in: harness, as: "t.yaml")
        let out = harness.directory.appendingPathComponent("out").path
        let first = try harness.start("ebm-sweep", ["run", spec, "--out", out, "--local-workers", "1"], name: "first")
        let running = ProcessHarness.poll(timeout: 60) { SweepFixtures.jobs(in: out)?.contains { $0.status == .running } ?? false }
        try #require(running, "the first coordinator never leased a job:\n\(first.output)")

        let started = Date()
        let second = try harness.run("ebm-sweep", ["run", spec, "--out", out, "--local-workers", "1"], timeout: 60)
        #expect(second.status != 0)
        #expect(Date().timeIntervalSince(started) < 10, "the refusal took \(Date().timeIntervalSince(started)) s")
        #expect(second.output.contains("pid \(first.pid)"), "\(second.output)")
        #expect(second.output.contains(Self.hostName()), "\(second.output)")
        #expect(first.isRunning, "the refusal harmed the first coordinator:\n\(first.output)")

        #expect(first.waitForExit(timeout: Self.sweepTimeout) == 0, "\(first.output)")
        let jobs = try #require(SweepFixtures.jobs(in: out))
        #expect(jobs.allSatisfy { $0.status == .ok })
        #expect(try SweepFixtures.results(in: out).count == jobs.count)
        let events = try SweepFixtures.events(in: out)
        // Every job leased once: nobody else took them, nothing was interrupted or run twice.
        #expect(events.filter { $0.kind == .lease }.count == jobs.count)
        #expect(!events.contains { $0.kind == .duplicateDropped || $0.kind == .requeue })
    }

    @Test("After kill -9 of the coordinator, status says no coordinator holds the sweep and shows its running job as interrupted; its local workers are gone within 10 s")
    func statusAndWorkersAfterKill() throws {
        let harness = try ProcessHarness(label: "kill-coord")
        let spec = try SweepFixtures.write(SweepFixtures.spec(name: "dead", iterations: 100_000, seeds: [0]), in: harness, as: "d.yaml")
        let out = harness.directory.appendingPathComponent("out").path
        let coordinator = try harness.start("ebm-sweep", ["run", spec, "--out", out, "--local-workers", "2"], name: "coordinator")
        var runningJob: String?
        let leased = ProcessHarness.poll(timeout: 60) {
            runningJob = SweepFixtures.jobs(in: out)?.first { $0.status == .running }?.job.id
            return runningJob != nil
        }
        try #require(leased, "no job ever ran:\n\(coordinator.output)")
        let workers = Self.children(of: coordinator.pid)
        #expect(workers.count == 2, "local workers: \(workers)")

        let live = try harness.run("ebm-sweep", ["status", out], timeout: 60)
        #expect(live.status == 0, "\(live.output)")
        #expect(live.output.contains("coordinator: pid \(coordinator.pid) on \(Self.hostName())"), "\(live.output)")
        #expect(live.output.contains("running \(try #require(runningJob))"), "\(live.output)")

        coordinator.signal(SIGKILL)
        _ = coordinator.waitForExit(timeout: 10)
        let killedAt = Date()
        let gone = ProcessHarness.poll(timeout: 10) { workers.allSatisfy { !Self.isAlive($0) } }
        #expect(gone, "local workers still alive \(Date().timeIntervalSince(killedAt)) s after the coordinator died: \(workers.filter(Self.isAlive))")
        for pid in workers where Self.isAlive(pid) { kill(pid, SIGKILL) }

        let dead = try harness.run("ebm-sweep", ["status", out], timeout: 60)
        #expect(dead.status == 0, "\(dead.output)")
        #expect(dead.output.contains("no coordinator holds"), "\(dead.output)")
        #expect(dead.output.contains("pid \(coordinator.pid)"), "the last holder is named:\n\(dead.output)")
        #expect(dead.output.contains("interrupted \(try #require(runningJob))"), "\(dead.output)")
        #expect(!dead.output.contains("running "), "\(dead.output)")
    }

    @Test("Worker logs are appended across restarts, never truncated")
    func workerLogsAppended() throws {
        let harness = try ProcessHarness(label: "logs")
        let spec = try SweepFixtures.write(SweepFixtures.spec(name: "logs", iterations: 20, lrs: [1e-3], seeds: [0]), in: harness, as: "l.yaml")
        let out = harness.directory.appendingPathComponent("out").path
        let first = try harness.run("ebm-sweep", ["run", spec, "--out", out, "--local-workers", "1"])
        try #require(first.status == 0, "\(first.output)")
        let log = out + "/logs/worker-1.log"
        let before = try String(contentsOfFile: log, encoding: .utf8)
        try #require(before.contains("local-1"), "the first run's worker wrote nothing:\n\(before)")

        let again = try harness.run("ebm-sweep", ["run", spec, "--out", out, "--local-workers", "1"])
        #expect(again.status == 0, "\(again.output)")
        let after = try String(contentsOfFile: log, encoding: .utf8)
        #expect(after.hasPrefix(before), "the restart truncated the log:\n\(after)")
        #expect(after.count > before.count, "the restarted worker wrote nothing")
    }

    // MARK: Processes

    static func hostName() -> String {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count - 1)
        return String(cString: name)
    }

    /// The `ebm-worker` children of `parent`, from /proc (not the short-lived rsvg-convert a live
    /// report starts).
    static func children(of parent: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let stat = Self.stat(pid), stat.parent == parent else { return false }
            let command = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
            return command.hasPrefix("ebm-worker")
        }
    }

    /// Alive and not a zombie (this container's init may not reap orphans).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = stat(pid) else { return false }
        return stat.state != "Z" && stat.state != "X"
    }

    /// State and parent pid from /proc/PID/stat (fields after the parenthesised command name).
    static func stat(_ pid: Int32) -> (state: Character, parent: Int32)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 2, let state = fields[0].first, let parent = Int32(fields[1]) else { return nil }
        return (state, parent)
    }
}
