import Testing
@testable import Sweep

/// The two divergence rules every stopping rule shares (docs/design.md, "A diverged seed ends its
/// configuration"): a seed that diverges ends its configuration (seed-aware rules, while a
/// configuration without a diverged seed can still win), and runs that end diverged leave the
/// rung records, so they never set the thresholds the others are judged against.
@Suite("Divergence in the stopping rules")
struct PrunerDivergenceTests {
    func asha(_ configs: [String], seeds: Int = 3, seedAware: Bool = true) -> ASHAPruner {
        ASHAPruner(jobs: prunerJobs(configs, seeds: seeds), metric: .kdeNLL, reductionFactor: 3, seedAware: seedAware)
    }

    @Test("a seed escaping at a rung ends as diverged and stops its configuration's other seeds, pending ones included")
    func escapedSeedStopsItsConfiguration() {
        var p = asha(["A", "B"])
        #expect(p.record(rung("A-s0", 100, 2.0)) == .proceed)
        let d = p.record(RungReport(jobID: "A-s1", iteration: 100, metric: 9, escaped: 0.9))
        #expect(d == .stopDiverged(.escaped(iteration: 100, share: 0.9), siblings: .seedDiverged(job: "A-s1", iteration: 100)))
        #expect(d.siblingsReason?.description == "seed A-s1 diverged at iteration 100")
        #expect(p.isStopped(configuration: "A") && p.isStopped(job: "A-s0") && p.isStopped(job: "A-s2"))
        #expect(!p.isStopped(configuration: "B"))
        // A report A-s0 had in flight is answered with the stop; its value is not taken.
        #expect(p.record(rung("A-s0", 300, 1.0)).reason == .seedDiverged(job: "A-s1", iteration: 100))
        #expect(p.state.rungs[300]?.units ?? [] == [] && p.state.rungs[100]?.units == [])
    }

    @Test("a run diverging between rungs (a diverged result) stops its configuration's other seeds")
    func divergedResultStopsItsConfiguration() {
        var p = asha(["A", "B"])
        _ = feed(&p, [rung("A-s0", 100, 2.0), rung("A-s1", 100, 2.1)])
        #expect(p.recordDivergence(job: "A-s1", iteration: 250) == .stopConfiguration(.seedDiverged(job: "A-s1", iteration: 250)))
        #expect(p.isStopped(configuration: "A") && p.isStopped(job: "A-s2") && !p.isStopped(configuration: "B"))
        // Taken once: the same end again (a resumed coordinator's copy, or after its rung caught it) changes nothing.
        let before = p
        #expect(p.recordDivergence(job: "A-s1", iteration: 250) == .proceed)
        #expect(p.recordDivergence(job: "nope-s0", iteration: 250) == .proceed)
        #expect(p == before)
    }

    @Test("guard: without a configuration free of diverged seeds left to win, a diverged seed stops only itself")
    func guardKeepsTheLastDivergingConfigurations() {
        var p = asha(["A", "B"])
        // B's seed diverges while A is clean: B ends.
        #expect(p.recordDivergence(job: "B-s0", iteration: 50).siblingsReason != nil)
        // Then A's: no configuration without a diverged seed remains, so A's other seeds go on.
        #expect(p.recordDivergence(job: "A-s0", iteration: 70) == .proceed)
        #expect(!p.isStopped(configuration: "A") && !p.isStopped(job: "A-s1") && p.state.requiredValues(for: "A") == 2)
        // A clean rival stopped by the rule itself cannot win either.
        var q = MedianPruner(jobs: prunerJobs(["A", "B", "C", "D", "E"], seeds: 2), metric: .kdeNLL, seedAware: true)
        #expect(feed(&q, ["A", "B", "C", "D"].flatMap { [rung("\($0)-s0", 100, 2.0), rung("\($0)-s1", 100, 2.01)] }).isEmpty)
        #expect(feed(&q, [rung("E-s0", 100, 3.0), rung("E-s1", 100, 3.01)])["E-s1"] != nil)
        for c in ["B", "C", "D"] { #expect(q.recordDivergence(job: "\(c)-s0", iteration: 50).siblingsReason != nil) }
        #expect(q.recordDivergence(job: "A-s0", iteration: 50) == .proceed)
        #expect(!q.isStopped(configuration: "A"))
    }

    @Test("seed-unaware: a diverged run stops no other run, but leaves the rung records")
    func unawareLeavesSiblingsRunning() {
        var p = asha(["A", "B"], seedAware: false)
        #expect(p.record(rung("A-s0", 100, 1.0)) == .proceed)
        #expect(p.recordDivergence(job: "A-s0", iteration: 150) == .proceed)
        #expect(p.isStopped(job: "A-s0") && !p.isStopped(job: "A-s1") && !p.isStopped(configuration: "A"))
        // Alone at the rung now, B-s0 is not judged against the diverged run's 1.0 (it would be stopped).
        #expect(p.record(rung("B-s0", 100, 2.0)) == .proceed)
        var kept = asha(["A", "B"], seedAware: false)
        _ = kept.record(rung("A-s0", 100, 1.0))
        #expect(kept.record(rung("B-s0", 100, 2.0)) != .proceed)
        // An escaped rung stops that run alone too.
        #expect(p.record(RungReport(jobID: "A-s1", iteration: 100, metric: 9, escaped: 1)) == .stopJob(.escaped(iteration: 100, share: 1)))
    }

    @Test("a configuration about to diverge sets no threshold: the stable ones are judged among themselves")
    func divergedConfigurationLeavesTheRungs() {
        // D looks best at rung 100, then a seed of D blows up; G, judged after, is compared with itself
        // only (with D's values kept, its mean 2.01 would be far worse than the threshold 1.34).
        var p = asha(["D", "G", "H"], seeds: 2)
        _ = feed(&p, [rung("D-s0", 100, 1.0), rung("D-s1", 100, 1.02)])
        #expect(p.recordDivergence(job: "D-s0", iteration: 150).siblingsReason != nil)
        #expect(p.state.rungs[100]?.units == [])
        #expect(feed(&p, [rung("G-s0", 100, 2.0), rung("G-s1", 100, 2.02)]).isEmpty)
        #expect(!p.isStopped(configuration: "G"))
        // Under the guard (H the only configuration left without a diverged seed, then H diverging too)
        // the diverged run's own value still leaves; its sibling's stays.
        _ = p.record(rung("H-s0", 100, 2.5))
        #expect(p.recordDivergence(job: "G-s0", iteration: 300).siblingsReason != nil)
        _ = p.record(rung("H-s1", 100, 2.6))
        #expect(p.recordDivergence(job: "H-s0", iteration: 300) == .proceed)
        #expect(p.state.rungs[100]?.values["H"] == [2.6])
    }

    @Test("the same inputs in the same order rebuild the same state (a restarted coordinator's replay)")
    func replayable() {
        let inputs: [(RungReport?, String?)] = [
            (rung("A-s0", 100, 1.0), nil), (rung("A-s1", 100, 1.1), nil), (nil, "A-s0"),
            (rung("B-s0", 100, 2.0), nil), (rung("B-s1", 100, 2.1), nil), (rung("C-s0", 100, 3.0), nil),
            (rung("C-s1", 100, 3.1), nil),
        ]
        func run(_ inputs: [(RungReport?, String?)]) -> (ASHAPruner, [PruneDecision]) {
            var p = asha(["A", "B", "C"])
            let d = inputs.map { r, j in r.map { p.record($0) } ?? p.recordDivergence(job: j!, iteration: 200) }
            return (p, d)
        }
        let (a, da) = run(inputs), (b, db) = run(inputs)
        #expect(a == b && da == db)
        // Another order is another state: the inputs' order is part of what is stored.
        var moved = inputs
        moved.append(moved.remove(at: 2))
        #expect(run(moved).0 != a)
    }
}
