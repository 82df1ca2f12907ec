import Foundation
import Store
import Sweep
import Testing
import TestSupport

@Suite("Growing a sweep", .serialized)
struct GrowSweepTests {
    @Test("A grown grid runs only its new jobs, every old result kept to the bit and the second; an altering change is refused; --new starts afresh")
    func growGrid() throws {
        let harness = try ProcessHarness(label: "grow")
        let out = harness.directory.appendingPathComponent("out").path
        let small = try SweepFixtures.write(SweepFixtures.spec(name: "grow", iterations: 20, lrs: [1e-3, 3e-3], seeds: [0]),
                                            in: harness, as: "small.yaml")
        let first = try harness.run("ebm-sweep", ["run", small, "--out", out, "--local-workers", "1"])
        try #require(first.status == 0, "\(first.output)")
        let jobsBefore = try #require(SweepFixtures.jobs(in: out))
        let resultsBefore = try SweepFixtures.results(in: out)
        try #require(jobsBefore.count == 2 && resultsBefore.count == 2)

        // One more grid value and one more seed: 3 × 2 = 6 jobs, 4 of them new.
        let grown = try SweepFixtures.write(SweepFixtures.spec(name: "grow", iterations: 20, lrs: [1e-3, 3e-3, 1e-2], seeds: [0, 1]),
                                            in: harness, as: "grown.yaml")
        let second = try harness.run("ebm-sweep", ["run", grown, "--out", out, "--local-workers", "1"])
        #expect(second.status == 0, "\(second.output)")
        #expect(second.output.contains("the spec adds 4 jobs to the 2 already there"), "\(second.output)")
        let jobsAfter = try #require(SweepFixtures.jobs(in: out))
        let resultsAfter = try SweepFixtures.results(in: out)
        #expect(jobsAfter.count == 6 && jobsAfter.allSatisfy { $0.status == .ok })
        #expect(resultsAfter.count == 6)
        for old in jobsBefore {
            #expect(jobsAfter.first { $0.id == old.id } == old, "\(old.id) was touched")
            #expect(resultsAfter.first { $0.jobID == old.id } == resultsBefore.first { $0.jobID == old.id })
        }
        let leases = try SweepFixtures.events(in: out).filter { $0.kind == .lease }.compactMap(\.jobID)
        #expect(leases.sorted() == jobsAfter.map(\.id).sorted(), "each job leased once")
        let table = try String(contentsOfFile: out + "/results.csv", encoding: .utf8)
        #expect(table.split(whereSeparator: \.isNewline).count == 1 + 3, "one row per configuration")

        // Another iteration count alters every job: refused with the diff, the sweep untouched.
        let altered = try SweepFixtures.write(SweepFixtures.spec(name: "grow", iterations: 30, lrs: [1e-3, 3e-3, 1e-2], seeds: [0, 1]),
                                              in: harness, as: "altered.yaml")
        let refused = try harness.run("ebm-sweep", ["run", altered, "--out", out, "--local-workers", "1"])
        #expect(refused.status != 0)
        #expect(refused.output.contains("would alter: 6 of the sweep's 6 jobs are not in the new spec"), "\(refused.output)")
        #expect(refused.output.contains("fixed.iterations: 20 → 30") && refused.output.contains("--new"))
        #expect(try #require(SweepFixtures.jobs(in: out)) == jobsAfter)

        // --new starts afresh even for a spec that would only grow the sweep.
        let fresh = try harness.run("ebm-sweep", ["run", small, "--out", out, "--local-workers", "1", "--new"])
        #expect(fresh.status == 0, "\(fresh.output)")
        #expect(fresh.output.contains("moved the old sweep to \(out)."))
        let restarted = try #require(SweepFixtures.jobs(in: out))
        #expect(restarted.count == 2)
        for job in restarted { #expect(job.finishedAt != jobsBefore.first { $0.id == job.id }?.finishedAt) }
    }

    /// A store whose race ran on seed 1 (and would run on 2 next: race_seeds 2), as the
    /// coordinator leaves it; then the user adds seed 2 to the spec.
    @Test("A spec that grows a sweep into the seeds its race used or will use is refused before anything runs")
    func growIntoTheRace() throws {
        let harness = try ProcessHarness(label: "grow-race")
        let out = harness.directory.appendingPathComponent("out").path
        let stopping = "\nearly_stopping: {type: asha, min_iterations: 5, race_seeds: 2}\n"
        let text = SweepFixtures.spec(name: "race", iterations: 20, seeds: [0]) + stopping
        let small = try SweepFixtures.write(text, in: harness, as: "small.yaml")
        let spec = try SweepSpec.load(path: small)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let planned = Planner.plan(spec)
        let store = try SweepStore.create(at: out + "/sweep.sqlite", name: spec.name, specText: text, specHash: spec.planHash,
                                          specPath: small, jobs: planned)
        try store.race(Racing.jobs(rivals: planned, seeds: [1]), detail: "finalists")
        let grown = try SweepFixtures.write(SweepFixtures.spec(name: "race", iterations: 20, seeds: [0, 2]) + stopping,
                                            in: harness, as: "grown.yaml")
        let refused = try harness.run("ebm-sweep", ["run", grown, "--out", out, "--local-workers", "1"])
        #expect(refused.status != 0)
        #expect(refused.output.contains("seed 2 is one of racing's (1–2)") && refused.output.contains("add seeds above 2"),
                "\(refused.output)")
        #expect(try #require(SweepFixtures.jobs(in: out)).count == 4, "nothing added")
    }
}
