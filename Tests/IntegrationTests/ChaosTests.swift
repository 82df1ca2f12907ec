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

    @Test("Every job has exactly one result, none ran after its result was stored, and results.csv equals an undisturbed run's")
    func chaos() throws {
        let harness = try ProcessHarness(label: "chaos")
        // 10 × 4 = 40 short jobs. The attempt limit is out of the way: kills are not the jobs' fault.
        let lrs = (1...10).map { 1e-3 * Double($0) / 2 }
        let text = SweepFixtures.spec(name: "chaos", iterations: 150, lrs: lrs, seeds: [0, 1, 2, 3]) + "\nmax_attempts: 100\n"
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
        var random = RandomSource(seed: Self.seed)
        var kills: [String] = []
        var coordinatorKills = 0, workerKills = 0
        while coordinatorKills < Self.coordinatorKills || workerKills < Self.workerKills {
            // A random moment; the kills are the test, so this waits on the wall clock by design.
            Thread.sleep(forTimeInterval: random.uniform(0.2, 1.2))
            guard coordinator.isRunning else { break }
            if random.uniform() < 0.5 || workerKills >= Self.workerKills {
                coordinator.signal(SIGKILL)
                _ = coordinator.waitForExit(timeout: 10)
                coordinator = try harness.start("ebm-sweep", coordinatorArguments, name: "coordinator")
                coordinatorKills += 1
                kills.append("coordinator")
            } else {
                let index = random.index(below: workers.count)
                workers[index].signal(SIGKILL)
                _ = workers[index].waitForExit(timeout: 10)
                workers[index] = try startWorker(index)
                workerKills += 1
                kills.append("c\(index)")
            }
        }
        #expect(coordinatorKills >= Self.coordinatorKills && workerKills >= Self.workerKills,
                "the sweep finished after only \(kills); its jobs are too short for the test")
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
