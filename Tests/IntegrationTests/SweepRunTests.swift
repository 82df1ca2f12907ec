import Foundation
import Store
import Sweep
import Testing
import TestSupport

/// The real binaries on loopback: `ebm-sweep run` and `ebm-worker` processes, real ZeroMQ
/// sockets, a real SQLite file. Serialized: they share two cores and heartbeat timing.
@Suite("Sweeps across processes", .serialized)
struct SweepRunTests {
    /// Hard deadline for a whole sweep in these tests.
    static let sweepTimeout: TimeInterval = 240

    @Test("A smoke sweep with two local workers runs every job exactly once and ranks by the stored metrics")
    func smokeSweep() throws {
        let harness = try ProcessHarness(label: "smoke")
        let spec = try SweepFixtures.write(SweepFixtures.spec(name: "smoke", iterations: 30), in: harness, as: "smoke.yaml")
        let out = harness.directory.appendingPathComponent("out").path
        let (status, output) = try harness.run("ebm-sweep", ["run", spec, "--out", out, "--local-workers", "2"], timeout: Self.sweepTimeout)
        #expect(status == 0, "coordinator output:\n\(output)")
        let jobs = try #require(SweepFixtures.jobs(in: out))
        let results = try SweepFixtures.results(in: out)
        #expect(jobs.count == 4)
        #expect(jobs.allSatisfy { $0.status == .ok })
        #expect(Set(results.map(\.jobID)) == Set(jobs.map(\.job.id)))
        #expect(results.count == jobs.count)
        #expect(Set(results.map(\.worker)).isSubset(of: ["local-1", "local-2"]))

        // results.csv ranks by the mean kde_nll of the stored results.
        let csv = try String(contentsOfFile: out + "/results.csv", encoding: .utf8)
        let rows = csv.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(rows.first)
        let configColumn = try #require(header.firstIndex(of: "config_id"))
        let meanColumn = try #require(header.firstIndex(of: "kde_nll_mean"))
        var means: [String: [Double]] = [:]
        for r in results { means[jobs.first { $0.job.id == r.jobID }!.job.configID, default: []].append(r.metrics["kde_nll"]!) }
        let averages: [(id: String, mean: Double)] = means.map { (id: String, values: [Double]) in
            (id, values.reduce(0, +) / Double(values.count))
        }
        let expectedOrder: [String] = averages.sorted { a, b in a.mean == b.mean ? a.id < b.id : a.mean < b.mean }.map(\.id)
        #expect(rows.dropFirst().map { $0[configColumn] } == expectedOrder)
        for row in rows.dropFirst() {
            let stored = means[row[configColumn]]!.reduce(0, +) / 2
            #expect(abs(Double(row[meanColumn])! - stored) <= 1e-3 * abs(stored))
        }
        for file in ["results.md", "results.tex", "runs.csv", "report.html", "best", "figures/metric-vs-lr.svg", "figures/metric-vs-lr.pdf"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "missing \(file)")
        }
    }

    @Test("A worker killed with SIGKILL mid-job: its job finishes on the other worker, with no duplicate")
    func workerKilled() throws {
        let harness = try ProcessHarness(label: "kill-worker")
        let spec = try SweepFixtures.write(SweepFixtures.spec(name: "killw", iterations: 3000, seeds: [0]), in: harness, as: "k.yaml")
        let out = harness.directory.appendingPathComponent("out").path
        let port = try ProcessHarness.freePort()
        let endpoint = "tcp://127.0.0.1:\(port)"
        let coordinator = try harness.start("ebm-sweep", ["run", spec, "--out", out, "--bind", endpoint, "--local-workers", "0", "--heartbeat", "0.2"])
        let victim = try harness.start("ebm-worker", ["--connect", endpoint, "--name", "victim", "--heartbeat", "0.2"])
        // The survivor joins once the victim holds a job, so the victim surely gets one.
        var victimJob: String?
        let leased = ProcessHarness.poll(timeout: 60) {
            victimJob = SweepFixtures.jobs(in: out)?.first { $0.status == .running && $0.worker == "victim" }?.job.id
            return victimJob != nil
        }
        #expect(leased, "the victim never got a job:\n\(coordinator.output)")
        _ = try harness.start("ebm-worker", ["--connect", endpoint, "--name", "survivor", "--heartbeat", "0.2"])
        victim.signal(SIGKILL)
        let status = coordinator.waitForExit(timeout: Self.sweepTimeout)
        #expect(status == 0, "coordinator:\n\(coordinator.output)")
        let jobs = try #require(SweepFixtures.jobs(in: out))
        let results = try SweepFixtures.results(in: out)
        #expect(jobs.allSatisfy { $0.status == .ok })
        #expect(results.count == jobs.count)
        let killed = try #require(jobs.first { $0.job.id == victimJob })
        #expect(killed.worker == "survivor")
        #expect(killed.attempts == 2)
        #expect(try SweepFixtures.events(in: out).contains { $0.kind == .workerLost && $0.worker == "victim" })
    }

    @Test("A worker started before its coordinator connects when the coordinator comes up")
    func workerFirst() throws {
        let harness = try ProcessHarness(label: "worker-first")
        let spec = try SweepFixtures.write(SweepFixtures.spec(name: "early", iterations: 20, lrs: [1e-3], seeds: [0]), in: harness, as: "e.yaml")
        let out = harness.directory.appendingPathComponent("out").path
        let endpoint = "tcp://127.0.0.1:\(try ProcessHarness.freePort())"
        let worker = try harness.start("ebm-worker", ["--connect", endpoint, "--name", "early-bird"])
        Thread.sleep(forTimeInterval: 1.5)
        #expect(worker.isRunning)
        let (status, output) = try harness.run("ebm-sweep", ["run", spec, "--out", out, "--bind", endpoint, "--local-workers", "0"],
                                               timeout: Self.sweepTimeout)
        #expect(status == 0, "\(output)\nworker:\n\(worker.output)")
        #expect(try SweepFixtures.results(in: out).map(\.worker) == ["early-bird"])
        // The coordinator's SHUTDOWN ends the worker cleanly.
        #expect(worker.waitForExit(timeout: 20) == 0)
    }
}
