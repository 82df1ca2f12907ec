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
