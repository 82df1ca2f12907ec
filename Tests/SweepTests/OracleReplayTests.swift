import Foundation
import Testing
@testable import Sweep

@Suite("The replay's oracle")
struct OracleReplayTests {
    /// A ends best but starts slowest; D starts best and fades by rung 300; B trails throughout.
    /// Two seeds each, 0.02 apart (D's `dSpread` apart); `sign` −1 turns the values into a
    /// higher-is-better metric's.
    func slowStarter(metric: RankingMetric = .kdeNLL, sign: Double = 1, dSpread: Double = 0.02) -> ReplayTrace {
        let curves = [("A", 3.0, 1.8, 1.5), ("B", 4.0, 3.5, 3.0), ("D", 2.0, 2.2, 2.0)]
        return ReplayTrace(metric: metric, jobs: curves.flatMap { c, r1, r3, f in
            (0..<2).map { s in
                let d = (c == "D" ? dSpread : 0.02) * Double(s)
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

    /// D's seeds are 1.0 apart: at rung 300 its mean (2.7) trails A's (1.81), which the oracle
    /// stops it for (at 130 s, 260 worker-seconds in all, as above); its bound, 2.7 − t(0.9, 1)·
    /// 0.707/√2 = 1.16, does not, so oracle-bound runs it to its end (B still stops at rung 100,
    /// once both its seeds are in: 4.01 − 3.08·0.01 > 3.01): 2 × 90 + 2 × 10 + 2 × 90 s.
    @Test("oracle-bound carries on a configuration whose seeds disagree too much to tell it from the best; oracle stops it",
          arguments: [(RankingMetric.kdeNLL, 1.0), (.precision, -1.0)])
    func boundAllowsForSeeds(metric: RankingMetric, sign: Double) {
        let trace = slowStarter(metric: metric, sign: sign, dSpread: 1.0)
        func replay(_ rule: ReplaySimulator.Rule) -> ReplayOutcome {
            ReplaySimulator.run(trace, rule: rule, minIterations: 100, reductionFactor: 3, workers: 2)
        }
        let oracle = replay(.oracle), bound = replay(.oracleBound)
        #expect(abs(oracle.usedSeconds - 260) < 1e-9 && oracle.stoppedJobs == 4)
        #expect(abs(bound.usedSeconds - 380) < 1e-9 && abs(bound.wallSeconds - 190) < 1e-9 && bound.stoppedJobs == 2)
        #expect(bound.pick == "A" && bound.gridBestSeedsStopped == 0)
    }

    @Test("oracle-bound waits for two seeds, and its stop names it and the bound it judged")
    func boundReason() {
        var pruner = OraclePruner(trace: slowStarter(), rungs: [100, 300], judgesOnBound: true)
        // With A's two seeds at the rung, D's first value alone would have a pooled spread and a
        // bound (2.2 − 3.08·0.014 = 2.16) that trails A's 1.81: only the two-seed rule holds it.
        #expect(pruner.record(RungReport(jobID: "A-s0", iteration: 300, metric: 1.8, escaped: 0)) == .proceed)
        #expect(pruner.record(RungReport(jobID: "A-s1", iteration: 300, metric: 1.82, escaped: 0)) == .proceed)
        #expect(pruner.record(RungReport(jobID: "D-s0", iteration: 300, metric: 2.2, escaped: 0)) == .proceed)
        let decision = pruner.record(RungReport(jobID: "D-s1", iteration: 300, metric: 2.22, escaped: 0))
        guard case .stopConfiguration(.outperformed("oracle-bound", 300, let mean, let bound, let bar, 2)) = decision else {
            Issue.record("expected oracle-bound's stop on two seeds, got \(decision)")
            return
        }
        #expect(abs(mean - 2.21) < 1e-12 && bound < mean && bound > bar && abs(bar - 1.81) < 1e-12)
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
    @Test("on the shipped grids both oracles keep the best, oracle spending no more than oracle-bound or a rule that keeps it",
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
        let oracle = replay(.oracle), bound = replay(.oracleBound)
        #expect(oracle.pick == oracle.gridBest && oracle.gridBestSeedsStopped == 0)
        #expect(oracle.usedFraction < 1 && oracle.stoppedJobs > 0)
        #expect(bound.pick == bound.gridBest && bound.gridBestSeedsStopped == 0)
        #expect(oracle.usedSeconds <= bound.usedSeconds && bound.usedFraction < 1)
        for rule in [ReplaySimulator.Rule.asha, .median] {
            let o = replay(rule)
            if o.gridBestSeedsStopped == 0 { #expect(oracle.usedSeconds <= o.usedSeconds, "\(rule)") }
        }
    }
}
