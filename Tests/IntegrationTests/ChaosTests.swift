import EBMCore
import Foundation
import Store
import Sweep
import Testing
import TestSupport

/// Workers and the coordinator killed with SIGKILL at seeded random moments, each restarted at
/// once, while a sweep runs: what is stored at the end must be what an undisturbed run stores.
@Suite("Chaos: SIGKILL of workers and of the coordinator", .serialized)
struct ChaosTests {
    static let seed: UInt64 = 0x9C4A05
    static let coordinatorKills = 5
    static let workerKills = 5

    /// Results committed so far (0 before the store exists: a coordinator may die before creating it).
    static func storedResults(in directory: String) -> Int {
        let path = (directory as NSString).appendingPathComponent("sweep.sqlite")
        return (try? SweepStore.openReadOnly(at: path).resultCount()) ?? 0
    }

    @Test("Every job has exactly one result, none ran after its result was stored, and results.csv equals an undisturbed run's")
    func chaos() throws {
        let harness = try ProcessHarness(label: "chaos")
        // 10 × 4 = 40 short jobs. The attempt limit is out of the way: kills are not the jobs' fault.
        let lrs = (1...10).map { 1e-3 * Double($0) / 2 }
        let text = SweepFixtures.spec(name: "chaos", iterations: 40, lrs: lrs, seeds: [0, 1, 2, 3]) + "\nmax_attempts: 100\n"
        let spec = try SweepFixtures.write(text, in: harness, as: "chaos.yaml")

        let reference = harness.directory.appendingPathComponent("reference").path
        let undisturbed = try harness.run("ebm-sweep", ["run", spec, "--out", reference, "--local-workers", "2"], timeout: 300)
        try #require(undisturbed.status == 0, "\(undisturbed.output)")

        let out = harness.directory.appendingPathComponent("chaos").path
        let endpoint = "tcp://127.0.0.1:\(try ProcessHarness.freePort())"
        let coordinatorArguments = ["run", spec, "--out", out, "--bind", endpoint, "--local-workers", "0", "--heartbeat", "0.2"]
        func startWorker(_ index: Int) throws -> ProcessHarness.Child {
            try harness.start("ebm-worker", ["--connect", endpoint, "--name", "c\(index)", "--heartbeat", "0.2"], name: "worker-\(index)")
        }
        var coordinator = try harness.start("ebm-sweep", coordinatorArguments, name: "coordinator")
        var workers = try (0..<4).map(startWorker)
        // The plan: five coordinator kills and five worker kills in a seeded order. Each waits for
        // 0 or 1 more stored result and then a random fraction of a second, so the kills spread
        // over the sweep on a fast machine or a slow one and all land well before it ends.
        var random = RandomSource(seed: Self.seed)
        var plan = Array(repeating: -1, count: Self.coordinatorKills) + (0..<Self.workerKills).map { _ in random.index(below: 4) }
        for i in stride(from: plan.count - 1, to: 0, by: -1) { plan.swapAt(i, random.index(below: i + 1)) }
        var kills: [String] = []
        for victim in plan {
            let target = Self.storedResults(in: out) + random.index(below: 2)
            let reached = ProcessHarness.poll(timeout: 120) { Self.storedResults(in: out) >= target || !coordinator.isRunning }
            try #require(reached && coordinator.isRunning, "the sweep stalled or ended after kills \(kills):\n\(coordinator.output)")
            Thread.sleep(forTimeInterval: random.uniform(0, 0.3))
            if victim < 0 {
                coordinator.signal(SIGKILL)
                _ = coordinator.waitForExit(timeout: 10)
                coordinator = try harness.start("ebm-sweep", coordinatorArguments, name: "coordinator")
                kills.append("coordinator")
            } else {
                workers[victim].signal(SIGKILL)
                _ = workers[victim].waitForExit(timeout: 10)
                workers[victim] = try startWorker(victim)
                kills.append("c\(victim)")
            }
        }
        let status = coordinator.waitForExit(timeout: 300)
        try #require(status == 0, "last coordinator after kills \(kills):\n\(coordinator.output)")

        let jobs = try #require(SweepFixtures.jobs(in: out))
        let results = try SweepFixtures.results(in: out)
        let events = try SweepFixtures.events(in: out)
        #expect(jobs.count == 40)
        #expect(jobs.allSatisfy { $0.status == .ok }, "\(jobs.filter { $0.status != .ok }.map { "\($0.job.id) \($0.status)" })")
        #expect(results.count == jobs.count && Set(results.map(\.jobID)) == Set(jobs.map(\.job.id)))
        // Exactly one accepted result per job, and no lease of a job after its result was stored.
        var storedAt: [String: Int] = [:]
        for (index, event) in events.enumerated() {
            guard let jobID = event.jobID else { continue }
            if event.kind == .resultAccepted {
                #expect(storedAt[jobID] == nil, "\(jobID) accepted twice")
                storedAt[jobID] = index
            }
            if event.kind == .lease, storedAt[jobID] != nil {
                Issue.record("\(jobID) leased to \(event.worker ?? "?") after its result was stored")
            }
        }
        #expect(storedAt.count == jobs.count)
        let table = try String(contentsOfFile: out + "/results.csv", encoding: .utf8)
        #expect(table == (try String(contentsOfFile: reference + "/results.csv", encoding: .utf8)))
    }
}
