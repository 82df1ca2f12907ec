import EBMCore
import Sweep
import Testing
import TestSupport
@testable import Cluster

@Suite("Rung evaluations in a job")
struct TrialRunnerRungTests {
    let evaluation = EvaluationConfig(samples: 200, initDistribution: .normal, initScale: 1, stepSize: 5e-4, steps: 20)
    let cheap = EvaluationConfig(samples: 50, initDistribution: .normal, initScale: 1, stepSize: 5e-4, steps: 5)

    func run(_ method: Method, rungs: [Int]?, progress: @escaping (Int, Double) -> Bool = { _, _ in true },
             onRung: (RungReport) -> Bool = { _ in true }) -> TrialRunner.Output {
        let plan = rungs.map { TrialRunner.RungPlan(iterations: $0, evaluation: cheap, metric: .kdeNLL) }
        return TrialRunner.run(config: Fixtures.smallConfig(method, iterations: 60), evaluation: evaluation, jobID: "j",
                               attempt: 1, worker: "w", rungs: plan, progress: progress, onRung: onRung)
    }

    @Test("pausing at the rungs changes no bit of the run or its final evaluation", arguments: [Method.ml, .dsm])
    func sameBits(method: Method) throws {
        var reports: [RungReport] = []
        var seen: [Int] = []
        let plain = run(method, rungs: nil).result
        let cut = run(method, rungs: [10, 30, 60, 90], progress: { i, _ in seen.append(i); return true },
                      onRung: { reports.append($0); return true }).result
        #expect(cut.status == .ok && plain.status == .ok)
        #expect(cut.lossHistory == plain.lossHistory && cut.checkpoint == plain.checkpoint)
        #expect(cut.metrics == plain.metrics && cut.samples == plain.samples)
        #expect(seen == Array(1...60))
        // Rungs at or past the last iteration are not evaluated: the final evaluation judges it.
        #expect(reports.map(\.iteration) == [10, 30] && reports.allSatisfy { $0.jobID == "j" && $0.metric.isFinite })
        #expect(reports.allSatisfy { (0...1).contains($0.escaped) })
    }

    @Test("a rung answered no stops the run there, with its reason")
    func stop() {
        let r = run(.ml, rungs: [10, 30], onRung: { $0.iteration < 30 }).result
        #expect(r.status == .cancelled && r.lossHistory.count == 30)
        #expect(r.error?.hasPrefix("stopped at iteration 30") == true && r.metrics.isEmpty)
    }

    @Test("the same model and seed give the same rung report")
    func deterministic() {
        var a: [RungReport] = [], b: [RungReport] = []
        _ = run(.ml, rungs: [20], onRung: { a.append($0); return true })
        _ = run(.ml, rungs: [20], onRung: { b.append($0); return true })
        #expect(a == b && a.count == 1)
    }
}

extension TrialRunnerRungTests {
    /// The shipped ML grid's step 1e-2, 10 steps, lr 1e-3 (25317feb2462): every seed's samples are
    /// inside the data's box at its rung at 300 and have all escaped by the end.
    @Test("a run whose samples escape between rungs ends diverged at the next divergence check, not at the end")
    func divergenceCheck() throws {
        var config = TrainingConfig.defaults(for: .ml)
        config.iterations = 1000
        config.langevinStepSize = 1e-2
        config.langevinSteps = 10
        config.lr = 1e-3
        // The shipped sweep's evaluation and its rung evaluation, as the trace ran them.
        let final = EvaluationConfig(samples: 2000, initDistribution: .normal, initScale: 1, stepSize: 5e-4, steps: 1000)
        let cheap = EarlyStopping.cheapEvaluation(final: final)
        let every = try #require(EarlyStopping.divergenceCheckInterval(config: config, cheap: cheap))
        var reports: [RungReport] = []
        let r = TrialRunner.run(config: config, evaluation: final, jobID: "j", attempt: 1, worker: "w",
                                rungs: .init(iterations: [300], evaluation: cheap, metric: .kdeNLL),
                                onRung: { reports.append($0); return true }).result
        #expect(reports.map(\.iteration) == [300] && reports[0].escaped <= EarlyStopping.divergedEscapedShare)
        #expect(r.status == .diverged, "\(r.status): \(r.error ?? "")")
        #expect(r.error?.contains("divergence check's samples escaped") == true)
        #expect(r.lossHistory.count > 300 && r.lossHistory.count < 1000 && r.lossHistory.count % every == 0,
                "ended at \(r.lossHistory.count), checks every \(every)")
    }
}
