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
    /// The ML grid's step 1e-2, 10 steps, lr 1e-3 (a325794267b6 in ml_swiss_grid3k): the sampling
    /// check ended seed 0 at 735, once its samples had escaped; its training chains' drift passes
    /// 3× their noise at about 600 (docs/design.md, "Divergence checks").
    @Test("a run whose sampler starts to overshoot ends diverged at the chain check, before the sampling check would")
    func chainCheck() throws {
        var config = TrainingConfig.defaults(for: .ml)
        config.iterations = 1000
        config.langevinStepSize = 1e-2
        config.langevinSteps = 10
        config.lr = 1e-3
        // The shipped sweep's evaluation and its rung evaluation, as the trace ran them.
        let final = EvaluationConfig(samples: 2000, initDistribution: .normal, initScale: 1, stepSize: 5e-4, steps: 1000)
        let cheap = EarlyStopping.cheapEvaluation(final: final)
        var reports: [RungReport] = []
        let r = TrialRunner.run(config: config, evaluation: final, jobID: "j", attempt: 1, worker: "w",
                                rungs: .init(iterations: [300], evaluation: cheap, metric: .kdeNLL),
                                onRung: { reports.append($0); return true }).result
        #expect(reports.map(\.iteration) == [300] && reports[0].escaped <= EarlyStopping.divergedEscapedShare)
        #expect(r.status == .diverged, "\(r.status): \(r.error ?? "")")
        #expect(r.error?.contains("Langevin drift reached") == true, "\(r.error ?? "")")
        #expect(r.lossHistory.count > 300 && r.lossHistory.count < 700 && r.lossHistory.count % EarlyStopping.chainCheckInterval == 0,
                "ended at \(r.lossHistory.count)")
    }

    /// The stable configuration of the grid whose chains come closest to the limit (step 2e-3,
    /// 10 steps, lr 3e-3; seed 0's drift reaches 1.5× its noise near iteration 2600, then settles).
    @Test("a configuration that trains fine is never ended by the chain check")
    func chainCheckSparesStableRuns() {
        var config = TrainingConfig.defaults(for: .ml)
        config.iterations = 3000
        config.langevinStepSize = 2e-3
        config.langevinSteps = 10
        config.lr = 3e-3
        let final = EvaluationConfig(samples: 2000, initDistribution: .normal, initScale: 1, stepSize: 5e-4, steps: 1000)
        let plan = TrialRunner.RungPlan(iterations: [], evaluation: EarlyStopping.cheapEvaluation(final: final), metric: .kdeNLL)
        var trainer = Trainer(config: config, data: ToyData.trainingData(for: config))
        let run = TrialRunner.train(&trainer, plan: plan, jobID: "j", samplingSeed: 1, progress: { _, _ in true }, onRung: { _ in true })
        #expect(run.training.status == .ok && run.training.iterations == 3000, "\(run.divergedAt.map { "\($0)" } ?? "")")
    }

    @Test("the chain check needs the overshoot on consecutive reads, and ends a run whose training chains escaped at once")
    func chainCheckStreak() {
        func health(_ ratio: Double, escaped: Double = 0) -> ChainHealth {
            ChainHealth(drift: ratio * 0.1, maxDrift: ratio * 0.2, noise: 0.1, escaped: escaped)
        }
        var check = TrialRunner.ChainCheck(every: 10)
        #expect(check.next == 10)
        #expect(check.judge(health(5)) == nil && check.next == 20)
        #expect(check.judge(health(0.5)) == nil)
        #expect(check.judge(health(EarlyStopping.overshootLimit)) == nil)
        #expect(check.judge(health(EarlyStopping.overshootLimit))?.contains("drift reached 3.0 times its noise") == true)
        var escaped = TrialRunner.ChainCheck(every: 10)
        #expect(escaped.judge(health(0, escaped: 0.75))?.contains("75 % of the training chains escaped") == true)
        #expect(TrialRunner.ChainCheck(every: nil).next == Int.max)
    }
}
