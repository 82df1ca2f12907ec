import Foundation
import Store
import Sweep
import Testing
import TestSupport

@Suite("Coordinator crash and resume", .serialized)
struct ResumeTests {
    @Test("A coordinator killed with SIGKILL and restarted resumes: finished jobs are not run again, the tables equal an uninterrupted run's")
    func killAndResume() throws {
        let harness = try ProcessHarness(label: "resume")
        let text = SweepFixtures.spec(name: "resume", iterations: 600, lrs: [1e-3, 3e-3, 1e-2], seeds: [0, 1])
        let spec = try SweepFixtures.write(text, in: harness, as: "r.yaml")

        // The reference: the same sweep, uninterrupted.
        let reference = harness.directory.appendingPathComponent("reference").path
        let (status, output) = try harness.run("ebm-sweep", ["run", spec, "--out", reference, "--local-workers", "2"], timeout: 300)
        try #require(status == 0, "\(output)")

        // The crash: external workers (they outlive the coordinator), SIGKILL after two results.
        let out = harness.directory.appendingPathComponent("crashed").path
        let endpoint = "tcp://127.0.0.1:\(try ProcessHarness.freePort())"
        let arguments = ["run", spec, "--out", out, "--bind", endpoint, "--local-workers", "0", "--heartbeat", "0.2"]
        let first = try harness.start("ebm-sweep", arguments, name: "coordinator-1")
        for name in ["w1", "w2"] { try harness.start("ebm-worker", ["--connect", endpoint, "--name", name, "--heartbeat", "0.2"]) }
        let twoDone = ProcessHarness.poll(timeout: 120) { (SweepFixtures.jobs(in: out)?.filter { $0.status == .ok }.count ?? 0) >= 2 }
        try #require(twoDone, "no results before the kill:\n\(first.output)")
        first.signal(SIGKILL)
        _ = first.waitForExit(timeout: 10)
        let before = try #require(SweepFixtures.jobs(in: out)).filter { $0.status == .ok }
        let resultsBefore = try SweepFixtures.results(in: out)

        let second = try harness.start("ebm-sweep", arguments, name: "coordinator-2")
        let finished = second.waitForExit(timeout: 300)
        #expect(finished == 0, "restarted coordinator:\n\(second.output)")
        let after = try #require(SweepFixtures.jobs(in: out))
        #expect(after.allSatisfy { $0.status == .ok })
        let resultsAfter = try SweepFixtures.results(in: out)
        #expect(resultsAfter.count == after.count)
        // The jobs finished before the crash kept their results: same bits, never re-run.
        for job in before {
            #expect(after.first { $0.job.id == job.job.id }?.finishedAt == job.finishedAt)
            #expect(resultsAfter.first { $0.jobID == job.job.id } == resultsBefore.first { $0.jobID == job.job.id })
        }
        // Same seeds, same build: the ranked table is the uninterrupted run's, byte for byte.
        let crashedTable = try String(contentsOfFile: out + "/results.csv", encoding: .utf8)
        let referenceTable = try String(contentsOfFile: reference + "/results.csv", encoding: .utf8)
        #expect(crashedTable == referenceTable)
    }

    @Test("Re-running a finished sweep runs nothing; a changed spec is refused with a diff")
    func rerunAndChangedSpec() throws {
        let harness = try ProcessHarness(label: "rerun")
        let spec = try SweepFixtures.write(SweepFixtures.spec(name: "rerun", iterations: 20, lrs: [1e-3], seeds: [0]), in: harness, as: "a.yaml")
        let out = harness.directory.appendingPathComponent("out").path
        let first = try harness.run("ebm-sweep", ["run", spec, "--out", out, "--local-workers", "1"])
        try #require(first.status == 0, "\(first.output)")
        let finishedAt = try #require(SweepFixtures.jobs(in: out)?.first?.finishedAt)
        let again = try harness.run("ebm-sweep", ["run", spec, "--out", out, "--local-workers", "1"])
        #expect(again.status == 0, "\(again.output)")
        #expect(SweepFixtures.jobs(in: out)?.first?.finishedAt == finishedAt)

        // Another iteration count changes every job: refused (growing is GrowSweepTests').
        let changed = try SweepFixtures.write(SweepFixtures.spec(name: "rerun", iterations: 30, lrs: [1e-3], seeds: [0]), in: harness, as: "b.yaml")
        let refused = try harness.run("ebm-sweep", ["run", changed, "--out", out, "--local-workers", "1"])
        #expect(refused.status != 0)
        #expect(refused.output.contains("fixed.iterations: 20 → 30"), "\(refused.output)")
        #expect(refused.output.contains("--new"))
    }
}
