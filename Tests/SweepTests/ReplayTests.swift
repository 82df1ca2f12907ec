import Testing
@testable import Sweep

/// A job of 900 iterations costing 90 s, rungs at 100 and 300 (η = 3 from 100), ended ok.
func traced(_ config: String, seed: Int, _ rung100: Double, _ rung300: Double, final: Double,
            seconds: Double = 90) -> ReplayTrace.TracedJob {
    ReplayTrace.TracedJob(id: "\(config)-s\(seed)", configID: config, seed: UInt64(seed), iterations: 900,
                          seconds: seconds, status: .ok,
                          rungs: [.init(iteration: 100, metric: rung100, escaped: 0), .init(iteration: 300, metric: rung300, escaped: 0)],
                          finalIteration: 900, finalMetric: final)
}

/// A good configuration A, a clear loser B, a runner-up C; two seeds each, their values 0.02 apart.
func threeConfigurations(seeds: Int = 2) -> ReplayTrace {
    let curves = [("A", 2.0, 1.8, 1.5), ("B", 4.0, 3.5, 3.0), ("C", 2.5, 2.3, 2.0)]
    return ReplayTrace(metric: .kdeNLL, jobs: curves.flatMap { c, r1, r3, f in
        (0..<seeds).map { s in traced(c, seed: s, r1 + 0.02 * Double(s), r3 + 0.02 * Double(s), final: f + 0.02 * Double(s)) }
    })
}

@Suite("Replay simulator")
struct ReplayTests {
    func replay(_ trace: ReplayTrace, _ rule: ReplaySimulator.Rule, workers: Int = 2) -> ReplayOutcome {
        ReplaySimulator.run(trace, rule: rule, minIterations: 100, reductionFactor: 3, workers: workers)
    }

    @Test("without a rule every job runs: the grid's cost, its wall time, the grid's best picked")
    func none() {
        let o = replay(threeConfigurations(), .none)
        #expect(o.usedSeconds == 540 && o.gridSeconds == 540 && o.wallSeconds == 270)
        #expect(o.pick == "A" && o.pickGridRank == 1 && o.pickSeeds == 2 && o.stoppedJobs == 0 && o.skippedJobs == 0)
        #expect(o.gridBest == "A" && o.pickWithinOneStd)
    }

    /// A runs alone (0–90 s); B's seeds reach rung 100 at 100 s and are stopped (bound 3.98 against
    /// the threshold 2.68), C's at 110 s (bound 2.48 against 2.34): 90 + 90 + 4 × 10 s.
    @Test("seed-aware ASHA, by hand: losers end at their first rung; the cost is their time up to it")
    func ashaByHand() {
        let o = replay(threeConfigurations(), .asha)
        #expect(abs(o.usedSeconds - 220) < 1e-9 && abs(o.wallSeconds - 110) < 1e-9)
        #expect(o.stoppedJobs == 4 && o.skippedJobs == 0 && o.pick == "A" && o.pickGridRank == 1)
        #expect(o.gridBestSeedsStopped == 0 && o.divergedSeconds == 0)
    }

    /// The same, with each rung's recorded time: B and C reach rung 100 after 40 s of their 90
    /// (a long final evaluation), so their stops cost 40 s each, not the 10 s a share of their
    /// iterations would put it at: 90 + 90 + 4 × 40 s; B at 90–130 s, then C at 130–170 s.
    @Test("with recorded rung times a stopped job costs what it spent up to its rung")
    func recordedRungTimes() {
        var trace = threeConfigurations()
        for j in trace.jobs.indices { trace.jobs[j].rungs[0].elapsed = 40; trace.jobs[j].rungs[1].elapsed = 60 }
        let o = replay(trace, .asha)
        #expect(abs(o.usedSeconds - 340) < 1e-9 && abs(o.wallSeconds - 170) < 1e-9)
        #expect(o.stoppedJobs == 4 && o.pick == "A")
    }

    @Test("seed-unaware ASHA stops the best configuration's second seed against its first")
    func unaware() {
        let o = replay(threeConfigurations(), .ashaUnaware)
        #expect(o.gridBestSeedsStopped == 1)
        #expect(o.pick == "A" && o.pickSeeds == 1)
    }

    @Test("a stopped configuration's pending seeds never start, and its finished seed does not make it a pick")
    func pendingSeedsSkipped() {
        let o = replay(threeConfigurations(seeds: 3), .asha, workers: 1)
        // One worker: B-s0 runs alone to its end (one seed is never judged), B-s1 is stopped at
        // its first rung with B, B-s2 never starts; the same for C.
        #expect(o.skippedJobs == 2 && o.stoppedJobs == 2)
        #expect(abs(o.usedSeconds - (3 * 90 + 2 * (90 + 10))) < 1e-9)
        #expect(o.pick == "A" && o.pickSeeds == 3)
    }

    @Test("time spent on runs that diverge is counted; divergence pruning ends them at the rung")
    func divergence() {
        var trace = threeConfigurations()
        trace.jobs[2].rungs[0].escaped = 0.9  // B-s0's chains escaped at rung 100
        trace.jobs[2].status = .diverged
        trace.jobs[2].finalMetric = nil
        trace.jobs[2].finalIteration = 200
        trace.jobs[2].rungs.removeLast()
        trace.jobs[2].seconds = 20
        let none = replay(trace, .none), asha = replay(trace, .asha)
        #expect(none.divergedSeconds == 20)
        #expect(abs(asha.divergedSeconds - 10) < 1e-9)  // 100 of its 200 iterations
    }

    /// Two workers. D looks best at rung 100 (both seeds at 10 s), then D-s0 diverges at iteration
    /// 200 (20 s): D-s1 is stopped then, D-s2 never starts. G's seeds reach rung 100 at 30 s and
    /// are judged without D's values (with them, the threshold 1.34 would stop G and leave no pick).
    @Test("a seed diverging between rungs ends its configuration, whose rung values then set no threshold")
    func divergedSeedEndsItsConfiguration() {
        var d0 = traced("D", seed: 0, 1.0, 0, final: 0, seconds: 20)
        d0.status = .diverged
        d0.finalMetric = nil
        d0.finalIteration = 200
        d0.rungs.removeLast()
        let trace = ReplayTrace(metric: .kdeNLL, jobs: [d0, traced("D", seed: 1, 1.02, 1.5, final: 1.9),
                                                        traced("D", seed: 2, 1.01, 1.5, final: 1.9)]
                                + (0..<3).map { traced("G", seed: $0, 2.0 + 0.02 * Double($0), 1.8, final: 1.5) })
        let o = replay(trace, .asha)
        #expect(o.pick == "G" && o.pickSeeds == 3 && o.gridBestSeedsStopped == 0)
        #expect(o.skippedJobs == 1 && o.stoppedJobs == 1)
        #expect(abs(o.usedSeconds - (20 + 20 + 3 * 90)) < 1e-9 && o.divergedSeconds == 20 && o.divergingSeconds == 40)
    }

    /// D's surviving seed beats A, but its other seed diverged: a sweep ranks it after every
    /// configuration that trained on all its seeds, so the replay must too.
    @Test("a configuration with a diverged seed is neither the grid's best nor the pick, however good its other seed")
    func divergedSeedRanksLast() {
        var trace = threeConfigurations()
        trace.jobs.append(traced("D", seed: 0, 1.9, 1.7, final: 1.2))
        var lost = traced("D", seed: 1, 1.9, 1.7, final: 0)
        lost.status = .diverged
        lost.finalMetric = nil
        trace.jobs.append(lost)
        for rule in [ReplaySimulator.Rule.none, .asha] {
            let o = replay(trace, rule)
            #expect(o.gridBest == "A" && o.pick == "A" && o.pickGridRank == 1, "\(rule): \(o)")
        }
    }

    @Test("replays are deterministic, and every rule runs on a trace read back from its text")
    func deterministic() throws {
        let trace = threeConfigurations(seeds: 3)
        let again = try ReplayTrace.parse(trace.text, file: "t.csv")
        #expect(again == trace)
        for rule in ReplaySimulator.Rule.allCases {
            #expect(replay(trace, rule, workers: 2) == replay(again, rule, workers: 2))
        }
    }

    @Test("a rule needing a rung the trace lacks is named before replaying")
    func missingRung() {
        let trace = threeConfigurations()
        let settings = ReplaySimulator.Rule.asha.settings(minIterations: 50, reductionFactor: 3)
        #expect(trace.missingRung(for: settings)! == ("A-s0", 50))
        #expect(trace.missingRung(for: ReplaySimulator.Rule.asha.settings(minIterations: 100, reductionFactor: 3)) == nil)
        #expect(trace.missingRung(for: ReplaySimulator.Rule.asha.settings(minIterations: 300, reductionFactor: 3)) == nil)
    }
}
