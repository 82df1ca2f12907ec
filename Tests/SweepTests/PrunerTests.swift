import Testing
@testable import Sweep

@Suite("Seed-aware ASHA")
struct ASHAPrunerTests {
    let others = [("B", 2.2), ("C", 2.4), ("D", 2.8), ("E", 3.0), ("F", 3.2)]

    func asha(_ configs: [String], seeds: Int = 3, seedAware: Bool = true) -> ASHAPruner {
        ASHAPruner(jobs: prunerJobs(configs, seeds: seeds), metric: .kdeNLL, reductionFactor: 3, seedAware: seedAware)
    }

    @Test("a slow starter with one bad seed is not stopped for that seed, where its plain mean would be")
    func slowStarterSurvives() throws {
        var p = asha(["A"] + others.map(\.0))
        _ = feed(&p, seedTriples(others, at: 100))
        // A's bad seed arrives first, then two good ones: mean 2.75 then 2.53, both above the rung's
        // threshold (2.63, then 2.49), so a rule on the mean alone would stop A here.
        let a = [rung("A-s2", 100, 3.5), rung("A-s0", 100, 2.0), rung("A-s1", 100, 2.1)]
        for r in a { #expect(p.record(r) == .proceed, "\(r)") }
        let record = try #require(p.state.rungs[100])
        let means = p.state.judgedUnits(at: 100).compactMap { record.mean(of: $0) }
        #expect(try #require(record.mean(of: "A")) > #require(Percentile.of(means, 100.0 / 3)))
        // Later A is the best: never stopped at any rung.
        let later = seedTriples([("A", 1.8), ("B", 2.0)], at: 300) + seedTriples([("A", 1.5), ("B", 1.9)], at: 900)
        for r in later where r.jobID.hasPrefix("A-") || !p.isStopped(job: r.jobID) {
            let d = p.record(r)
            #expect(!r.jobID.hasPrefix("A-") || d == .proceed, "\(r)")
        }
        #expect(!p.isStopped(configuration: "A") && p.isStopped(configuration: "B"))
    }

    @Test("seed-unaware ASHA stops the slow starter's bad seed as a trial of its own")
    func unawareStopsTheBadSeed() {
        var p = asha(["A"] + others.map(\.0), seedAware: false)
        _ = feed(&p, seedTriples(others, at: 100))
        guard case .stopJob(let reason) = p.record(rung("A-s2", 100, 3.5)) else {
            Issue.record("the bad seed was not stopped")
            return
        }
        #expect(reason.iteration == 100 && reason.description.hasPrefix("asha at iteration 100: mean 3.5 over 1 seed"))
        #expect(p.isStopped(job: "A-s2") && !p.isStopped(job: "A-s0") && !p.isStopped(configuration: "A"))
    }

    @Test("clear losers are stopped at the first rung, on their second seed, pending seeds included")
    func clearLosersStopEarly() throws {
        let names = ["G1", "L1", "G2", "L2", "L3", "G3", "L4"]
        var p = asha(names)
        var stoppedAt: [String: String] = [:]
        for name in names {
            let mean = name.hasPrefix("G") ? 2.0 + Double(name.count) * 0.01 : 4.0
            for s in 0..<3 {
                let job = "\(name)-s\(s)"
                if p.isStopped(job: job) { continue }  // the sweep never starts it
                if case .stopConfiguration(let r) = p.record(rung(job, 100, mean + 0.03 * Double(s))) {
                    stoppedAt[name] = job
                    #expect(r.iteration == 100)
                }
            }
        }
        #expect(stoppedAt == ["L1": "L1-s1", "L2": "L2-s1", "L3": "L3-s1", "L4": "L4-s1"])
        #expect(p.isStopped(job: "L1-s2") && !p.isStopped(job: "G1-s2"))
        // A report still in flight for a stopped configuration is answered with its stop.
        #expect(p.record(rung("L1-s2", 100, 1.0)).reason?.iteration == 100)
    }

    @Test("a run whose rung samples mostly escaped stops alone; its configuration waits for the live seeds")
    func divergence() {
        var p = asha(["A"])
        #expect(p.record(RungReport(jobID: "A-s0", iteration: 100, metric: 9, escaped: 0.5)) == .proceed)
        let d = p.record(RungReport(jobID: "A-s1", iteration: 100, metric: 9, escaped: 0.51))
        #expect(d == .stopJob(.escaped(iteration: 100, share: 0.51)))
        #expect(d.reason?.description == "diverged at iteration 100: 51 % of the rung's samples escaped")
        #expect(p.isStopped(job: "A-s1") && !p.isStopped(configuration: "A"))
        // A has two live seeds left, one reported: not judged yet.
        #expect(!p.state.isJudged("A", at: 100) && p.state.requiredValues(for: "A") == 2)
        // A configuration of two seeds, one diverged: judged on the live one alone.
        var q = ASHAPruner(jobs: prunerJobs(["B"], seeds: 2), metric: .kdeNLL, reductionFactor: 3, seedAware: true)
        #expect(q.record(rung("B-s0", 100, .nan)).reason?.description == "diverged at iteration 100: the rung's metric was not finite")
        #expect(q.state.requiredValues(for: "B") == 1)
    }

    @Test("repeated, out-of-order and unknown reports change nothing")
    func idempotent() {
        var p = asha(["A", "B"])
        _ = p.record(rung("A-s0", 300, 2.0))
        let before = p
        #expect(p.record(rung("A-s0", 300, 9.0)) == .proceed)  // a retried attempt's copy
        #expect(p.record(rung("A-s0", 100, 9.0)) == .proceed)  // behind the job's last rung
        #expect(p.record(rung("nope-s0", 100, 9.0)) == .proceed)
        #expect(p == before)
    }

    @Test("replaying the same reports rebuilds the same decisions (resume keeps them)")
    func replayable() {
        let reports = seedTriples(others, at: 100) + seedTriples([("B", 2.0), ("C", 3.0), ("D", 2.9)], at: 300)
        var first = asha(others.map(\.0)), second = asha(others.map(\.0))
        let a = reports.map { first.record($0) }, b = reports.map { second.record($0) }
        #expect(a == b && first == second)
        #expect(a.contains { $0 != .proceed })
    }

    @Test("a higher-is-better metric is judged the other way round")
    func higherIsBetter() {
        var p = ASHAPruner(jobs: prunerJobs(["A", "B", "C"], seeds: 2), metric: .precision, reductionFactor: 3, seedAware: true)
        let reports = [rung("A-s0", 100, 0.9), rung("A-s1", 100, 0.91), rung("B-s0", 100, 0.2), rung("B-s1", 100, 0.21)]
        let stops = feed(&p, reports)
        #expect(stops.keys.sorted() == ["B-s1"])
        guard case .stopConfiguration(.outperformed(_, _, let mean, let bound, let threshold, _))? = stops["B-s1"] else {
            Issue.record("B was not stopped as a configuration")
            return
        }
        #expect(abs(mean - 0.205) < 1e-12 && bound > mean && bound < threshold)
    }
}

@Suite("Seed-aware median rule")
struct MedianPrunerTests {
    @Test("waits for three peers, then stops a configuration worse than their median")
    func median() {
        var p = MedianPruner(jobs: prunerJobs(["A", "B", "C", "D", "E"], seeds: 2), metric: .kdeNLL, seedAware: true)
        let first = [("A", 3.0), ("B", 2.0), ("C", 2.1)].flatMap { n, m in [rung("\(n)-s0", 100, m), rung("\(n)-s1", 100, m + 0.02)] }
        #expect(feed(&p, first).isEmpty)  // A is worst but has only two peers
        #expect(p.record(rung("D-s0", 100, 2.05)) == .proceed)
        #expect(p.record(rung("D-s1", 100, 2.07)) == .proceed)
        let e = [rung("E-s0", 100, 3.0), rung("E-s1", 100, 3.02)]
        #expect(feed(&p, e)["E-s1"]?.reason?.description.hasPrefix("median at iteration 100: mean 3.01 over 2 seeds") == true)
    }

    @Test("a slow starter with one bad seed survives the median rule too")
    func slowStarter() {
        var p = MedianPruner(jobs: prunerJobs(["A", "B", "C", "D", "E"], seeds: 3), metric: .kdeNLL, seedAware: true)
        _ = feed(&p, seedTriples([("B", 2.2), ("C", 2.3), ("D", 2.4), ("E", 2.5)], at: 100))
        for r in [rung("A-s2", 100, 3.5), rung("A-s0", 100, 2.0), rung("A-s1", 100, 2.1)] {
            #expect(p.record(r) == .proceed)
        }
    }
}
