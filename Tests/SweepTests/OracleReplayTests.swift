import Foundation
import Testing
@testable import Sweep

@Suite("The replay's oracle")
struct OracleReplayTests {
    /// A ends best but starts slowest; D starts best and fades by rung 300; B trails throughout.
    /// Two seeds each, 0.02 apart; `sign` −1 turns the values into a higher-is-better metric's.
    func slowStarter(metric: RankingMetric = .kdeNLL, sign: Double = 1) -> ReplayTrace {
        let curves = [("A", 3.0, 1.8, 1.5), ("B", 4.0, 3.5, 3.0), ("D", 2.0, 2.2, 2.0)]
        return ReplayTrace(metric: metric, jobs: curves.flatMap { c, r1, r3, f in
            (0..<2).map { s in
                let d = 0.02 * Double(s)
                return traced(c, seed: s, sign * (r1 + d), sign * (r3 + d), final: sign * (f + d))
            }
        })
    }

    /// Two workers: A's seeds run 0–90 s; B's start at 90 and stop at their first report (100 s,
    /// B trails A at rung 100), D's start at 100, pass rung 100 (ahead of A there) and stop at
    /// rung 300 (130 s): 2 × 90 + 2 × 10 + 2 × 30 s.
    @Test("the oracle stops a configuration at the first rung where it trails the grid's best, and never the best",
          arguments: [(RankingMetric.kdeNLL, 1.0), (.precision, -1.0)])
    func byHand(metric: RankingMetric, sign: Double) {
        let o = ReplaySimulator.run(slowStarter(metric: metric, sign: sign), rule: .oracle, minIterations: 100,
                                    reductionFactor: 3, workers: 2)
        #expect(o.gridBest == "A" && o.pick == "A" && o.pickSeeds == 2 && o.gridBestSeedsStopped == 0)
        #expect(abs(o.usedSeconds - 260) < 1e-9 && abs(o.wallSeconds - 130) < 1e-9 && o.stoppedJobs == 4)
    }

    /// A's first seed escapes at rung 100: divergence pruning stops A under any rule, so the bar
    /// is D's, the best a sweep could keep; B trails D at both rungs.
    @Test("a grid best that no rule can keep (an escaped rung) does not set the bar: the best a sweep could keep does")
    func unkeepableBest() {
        var trace = slowStarter()
        trace.jobs[0].rungs[0].escaped = 0.9
        let o = ReplaySimulator.run(trace, rule: .oracle, minIterations: 100, reductionFactor: 3, workers: 2)
        #expect(o.gridBest == "A" && o.gridBestSeedsStopped == 2)
        #expect(o.pick == "D" && o.pickSeeds == 2)
    }

    @Test("its stop names the rung, the configuration's mean over all its seeds and the best's mean there")
    func reason() {
        var pruner = OraclePruner(trace: slowStarter(), rungs: [100, 300])
        #expect(pruner.record(RungReport(jobID: "D-s0", iteration: 100, metric: 2.0, escaped: 0)) == .proceed)
        let decision = pruner.record(RungReport(jobID: "D-s0", iteration: 300, metric: 2.2, escaped: 0))
        guard case .stopConfiguration(.outperformed("oracle", 300, _, let mean, let bar, _)) = decision else {
            Issue.record("expected the oracle's stop, got \(decision)")
            return
        }
        #expect(abs(mean - 2.21) < 1e-12 && abs(bar - 1.81) < 1e-12)
        #expect(pruner.isStopped(job: "D-s1") && !pruner.isStopped(configuration: "A"))
    }

    /// What BENCHMARKS.md reads off the oracle: on every shipped grid, from rung 100 and with the
    /// ML grids' noise floor, it keeps and picks the grid's best and spends less than the rules
    /// that also keep it (a fact of these traces, not a bound: docs/design.md, "The oracle").
    @Test("on the shipped grids the oracle keeps the best and spends no more than a seed-aware rule that keeps it there",
          arguments: [("ml_swiss_grid.trace.csv", "ml_swiss_grid.yaml"), ("ml_swiss_grid3k.trace.csv", "ml_swiss_grid3k.yaml"),
                      ("nce_gaussians_grid.trace.csv", nil)] as [(String, String?)])
    func fixtures(name: String, spec: String?) throws {
        let path = fixturePath("replay/\(name)")
        let trace = try ReplayTrace.parse(try String(contentsOfFile: path, encoding: .utf8), file: path)
        var notRun: [String: StopReason] = [:]
        if let spec {
            let loaded = try SweepSpec.load(path: fixturePath("replay/\(spec)"))
            notRun = try #require(loaded.earlyStopping).notRunnable(Planner.plan(loaded))
        }
        func replay(_ rule: ReplaySimulator.Rule) -> ReplayOutcome {
            ReplaySimulator.run(trace, rule: rule, minIterations: 100, reductionFactor: 3, workers: 2, notRun: notRun)
        }
        let oracle = replay(.oracle)
        #expect(oracle.pick == oracle.gridBest && oracle.gridBestSeedsStopped == 0)
        #expect(oracle.usedFraction < 1 && oracle.stoppedJobs > 0)
        for rule in [ReplaySimulator.Rule.asha, .median] {
            let o = replay(rule)
            if o.gridBestSeedsStopped == 0 { #expect(oracle.usedSeconds <= o.usedSeconds, "\(rule)") }
        }
    }
}
