import Foundation
import Store
import Sweep
import Testing
import TestSupport

/// A sweep under an early-stopping rule across real processes: workers train, report their rungs
/// over EBM/1, and the coordinator's decisions are the pure rule's on the reports it stored.
@Suite("Early stopping across processes", .serialized)
struct EarlyStoppingRunTests {
    @Test("Rung reports reach the store at the rungs; the stops are what the rule decides on them; stopped rows say where")
    func liveRule() throws {
        let harness = try ProcessHarness(label: "early-stopping")
        // Two learning rates that barely move the model and one that trains: ASHA has losers to find.
        let text = SweepFixtures.spec(name: "es", iterations: 90, lrs: [3e-3, 1e-6, 2e-6]) + """

            early_stopping:
              type: asha
              min_iterations: 10
              reduction_factor: 3
              evaluation: {samples: 100, steps: 10}
            """
        let spec = try SweepFixtures.write(text, in: harness, as: "es.yaml")
        let out = harness.directory.appendingPathComponent("out").path
        // One worker: jobs run one at a time in the sweep's order, so the reports arrive in a known order.
        let (status, output) = try harness.run("ebm-sweep", ["run", spec, "--out", out, "--local-workers", "1"],
                                               timeout: SweepRunTests.sweepTimeout)
        #expect(status == 0, "coordinator output:\n\(output)")
        let store = try SweepStore.openReadOnly(at: out + "/sweep.sqlite")
        let jobs = try store.jobs(), rungs = try store.rungs(), results = try store.results()
        #expect(!rungs.isEmpty && rungs.allSatisfy { [10, 30].contains($0.report.iteration) && $0.report.metric.isFinite })
        #expect(jobs.allSatisfy { $0.status.isFinished })

        var rule = ASHAPruner(jobs: jobs.map(\.job), metric: .kdeNLL, reductionFactor: 3, seedAware: true)
        for r in rungs { _ = rule.record(r.report) }
        for job in jobs {
            #expect((job.status == .stopped) == rule.isStopped(job: job.job.id), "\(job.job.id): \(job.status)")
        }
        for r in results where r.status == .stopped {
            let at = try #require(r.metrics[EarlyStopping.stoppedAtKey])
            #expect(rungs.contains { $0.report.jobID == r.jobID && Double($0.report.iteration) == at })
            #expect(r.error?.hasPrefix("asha at iteration") == true)
        }
        let stoppedAny = jobs.contains { $0.status == .stopped }
        if stoppedAny {
            let csv = try String(contentsOfFile: out + "/results.csv", encoding: .utf8)
            #expect(csv.split(whereSeparator: \.isNewline).first?.contains("stopped_at") == true)
        }
    }
}
