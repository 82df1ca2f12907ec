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
        // A learning rate that trains, one that barely moves the model, one whose samples blow up
        // by iteration 90; an evaluation long enough (ε·T = 1) for the rung metric to see the model.
        let text = """
            name: es
            method: ml
            dataset: swiss_roll
            fixed: {data_size: 256, hidden_layers: 1, neurons: 16, batch_size: 64, iterations: 300}
            grid:
              lr: [0.03, 0.003, 1.0e-6]
            seeds: [0, 1]
            evaluation:
              samples: 200
              sampler: {init: normal, step_size: 1.0e-2, steps: 100}
            early_stopping:
              type: asha
              min_iterations: 30
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
        #expect(!rungs.isEmpty && rungs.allSatisfy { [30, 90, 270].contains($0.report.iteration) })
        #expect(jobs.allSatisfy { $0.status.isFinished })

        // The rule's inputs as the coordinator took them: rung reports and diverged results, interleaved.
        var rule = ASHAPruner(jobs: jobs.map(\.job), metric: .kdeNLL, reductionFactor: 3, seedAware: true)
        var divergences = try store.divergences()[...]
        for r in rungs {
            while let d = divergences.first, (d.rungsBefore ?? .max) < r.seq {
                _ = rule.recordDivergence(job: d.jobID, iteration: d.iteration)
                divergences.removeFirst()
            }
            _ = rule.record(r.report)
        }
        for d in divergences { _ = rule.recordDivergence(job: d.jobID, iteration: d.iteration) }
        // The live decisions are the rule's: a configuration has stopped jobs only if the rule
        // stopped it, and has some if the rule stopped it without a diverged seed (a diverged seed
        // may end a configuration whose other seeds had all finished: nothing left to stop); a job
        // that ended diverged at a rung is one the rule stopped.
        for config in Set(jobs.map(\.job.configID)) {
            let ofConfig = jobs.filter { $0.job.configID == config }
            let stopped = ofConfig.contains { $0.status == .stopped }, diverged = ofConfig.contains { $0.status == .diverged }
            #expect(!stopped || rule.isStopped(configuration: config), "\(config)")
            #expect(stopped || diverged || !rule.isStopped(configuration: config), "\(config)")
        }
        for job in jobs where job.status == .diverged && job.error?.contains("rung's samples escaped") == true {
            #expect(rule.isStopped(job: job.job.id), "\(job.job.id): \(job.error ?? "")")
        }
        for r in results where r.status == .stopped {
            let at = try #require(r.metrics[EarlyStopping.stoppedAtKey])
            #expect(rungs.contains { $0.report.jobID == r.jobID && Double($0.report.iteration) == at })
            let bySeed = jobs.contains { $0.status == .diverged && r.error?.hasPrefix("seed \($0.job.id) diverged at iteration ") == true }
            #expect(r.error?.hasPrefix("asha at iteration") == true || bySeed, "\(r.jobID): \(r.error ?? "")")
        }
        // One worker runs the jobs one at a time in a fixed order on the same bits: this sweep's
        // rule always ends some (here: lr 1e-6 stopped at rung 30, one lr 0.03 seed diverged at 90).
        let endedByRule = jobs.filter { $0.status == .stopped || ($0.status == .diverged && $0.error?.contains("escaped") == true) }
        #expect(!endedByRule.isEmpty, "no job was stopped:\n\(output)")
        if jobs.contains(where: { $0.status == .stopped }) {
            let csv = try String(contentsOfFile: out + "/results.csv", encoding: .utf8)
            #expect(csv.split(whereSeparator: \.isNewline).first?.contains("stopped_at") == true)
        }
    }

    @Test("A configuration above the Langevin noise floor never reaches a worker; plan, run, status and results.md say why")
    func noiseFloor() throws {
        let harness = try ProcessHarness(label: "noise-floor")
        let text = """
            name: floor
            method: ml
            dataset: swiss_roll
            fixed: {data_size: 128, hidden_layers: 1, neurons: 8, batch_size: 32, iterations: 40}
            grid:
              langevin_step_size: [5.0e-4, 1.0e-2]
            seeds: [0, 1]
            evaluation:
              samples: 50
              sampler: {init: normal, step_size: 1.0e-2, steps: 10}
            early_stopping: {type: asha, min_iterations: 10, reduction_factor: 3, race_seeds: 0,
                             evaluation: {samples: 20, steps: 5}}
            """
        let spec = try SweepFixtures.write(text, in: harness, as: "floor.yaml")
        let (_, plan) = try harness.run("ebm-sweep", ["plan", spec])
        #expect(plan.contains("not run: 1 of 2 configurations (2 jobs), whose Langevin noise √(2ε) = 0.141"), "\(plan)")
        let out = harness.directory.appendingPathComponent("out").path
        let (status, output) = try harness.run("ebm-sweep", ["run", spec, "--out", out, "--local-workers", "1"],
                                               timeout: SweepRunTests.sweepTimeout)
        #expect(status == 0, "\(output)")
        #expect(output.contains("2 never run (their Langevin noise is wider than the data"), "\(output)")
        let store = try SweepStore.openReadOnly(at: out + "/sweep.sqlite")
        let wide = try store.jobs().filter { $0.job.config.langevinStepSize == 1e-2 }
        #expect(wide.count == 2 && wide.allSatisfy { $0.status == .stopped && $0.attempts == 0 && $0.startedAt == nil })
        #expect(try store.results().allSatisfy { !wide.map(\.job.id).contains($0.jobID) })
        let (_, report) = try harness.run("ebm-sweep", ["status", out])
        let line = report.split(separator: "\n").first { $0.contains(wide[0].job.configID) }.map(String.init) ?? ""
        #expect(line.contains(": not run: its Langevin noise") && !line.contains("at iteration"), "\(report)")
        let markdown = try String(contentsOfFile: out + "/results.md", encoding: .utf8)
        #expect(markdown.contains("Not run: 1 of 2 configurations"), "\(markdown)")
        // When the sweep had its answer, in status and results.md alike; the rungs' figure beside it.
        let narrow = try #require(try store.jobs().first { $0.job.config.langevinStepSize == 5e-4 }).job.configID
        let history = try #require(report.split(separator: "\n").first { $0.hasPrefix("Best over time") }, "\(report)")
        #expect(history.contains(": \(narrow) ") && markdown.contains(String(history)), "\(report)")
        for figure in ["best-over-time.svg", "intermediate.svg"] {
            #expect(FileManager.default.fileExists(atPath: out + "/figures/" + figure), "\(figure)")
        }
    }
}
