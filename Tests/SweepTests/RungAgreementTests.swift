import Testing
@testable import Sweep

@Suite("How well a rung predicts the final ranking")
struct RungAgreementTests {
    /// Four configurations, two seeds each 0.1 apart: at rung 100 in the final order, at rung 300
    /// in the reverse order; finals A < B < C < D (A best).
    func grid() -> ReplayTrace {
        let curves = [("A", 2.0, 3.3, 1.0), ("B", 2.2, 3.2, 1.2), ("C", 2.4, 3.1, 1.4), ("D", 2.6, 3.0, 1.6)]
        return ReplayTrace(metric: .kdeNLL, jobs: curves.flatMap { c, r1, r3, f in
            (0..<2).map { s in traced(c, seed: s, r1 + 0.1 * Double(s), r3 + 0.1 * Double(s), final: f + 0.1 * Double(s)) }
        })
    }

    @Test("a rung in the final order correlates 1 and ranks the best first; one in reverse, −1 and last")
    func orderAndReverse() throws {
        let rows = RungAgreement.measure(grid(), rungs: [100, 300])
        #expect(rows.map(\.iteration) == [100, 300] && rows.allSatisfy { $0.configurations == 4 })
        #expect(abs(try #require(rows[0].rankCorrelation) - 1) < 1e-12 && rows[0].gridBestRank == 1)
        #expect(abs(try #require(rows[1].rankCorrelation) + 1) < 1e-12 && rows[1].gridBestRank == 4)
    }

    /// A: seeds 1.0 and 1.2 (s² = 0.02); B: 2.0, 2.1 and 2.5 (s² = 0.07); C one seed, no spread of
    /// its own. Pooled: (1·0.02 + 2·0.07) / 3; a plain average of the two spreads would differ.
    @Test("the seed spread pools variances by degrees of freedom; the noise in a mean divides it by √(seeds)")
    func spreads() throws {
        let trace = ReplayTrace(metric: .kdeNLL, jobs: [
            traced("A", seed: 0, 1.0, 1, final: 1), traced("A", seed: 1, 1.2, 1, final: 1),
            traced("B", seed: 0, 2.0, 1, final: 2), traced("B", seed: 1, 2.1, 1, final: 2), traced("B", seed: 2, 2.5, 1, final: 2),
            traced("C", seed: 0, 3.0, 1, final: 3),
        ])
        let row = try #require(RungAgreement.measure(trace, rungs: [100, 300]).first)
        let pooled = ((0.02 + 2 * 0.07) / 3).squareRoot()
        #expect(row.configurations == 3)
        #expect(abs(try #require(row.seedSpread) - pooled) < 1e-12)
        #expect(abs(try #require(row.noiseInMean) - pooled / 2.0.squareRoot()) < 1e-12)   // 6 seeds over 3 configurations
        let means = [1.1, 2.2, 3.0], m = means.reduce(0, +) / 3
        #expect(abs(try #require(row.spreadOfMeans) - (means.reduce(0) { $0 + ($1 - m) * ($1 - m) } / 2).squareRoot()) < 1e-12)
    }

    @Test("one seed per configuration gives no seed spread")
    func oneSeed() throws {
        let trace = ReplayTrace(metric: .kdeNLL, jobs: [traced("A", seed: 0, 1, 1, final: 1), traced("B", seed: 0, 2, 2, final: 2),
                                                       traced("C", seed: 0, 3, 3, final: 3)])
        let row = try #require(RungAgreement.measure(trace, rungs: [100, 300]).first)
        #expect(row.seedSpread == nil && row.noiseInMean == nil && row.configurations == 3)
    }

    @Test("a configuration with a diverged seed is left out and cannot be the best; a failed seed is ignored, as the ranking does")
    func divergedAndFailedSeeds() throws {
        var trace = grid()
        trace.jobs[1].status = .diverged        // A's second seed: A ranks after every clean configuration
        trace.jobs[1].finalMetric = nil
        trace.jobs[3].status = .failed          // B's second seed: B ranks on its first
        trace.jobs[3].finalMetric = nil
        let rows = RungAgreement.measure(trace, rungs: [100, 300])
        #expect(rows.allSatisfy { $0.configurations == 3 })
        // B is the best, as ReplayOutcome says: first of three at rung 100, last at rung 300.
        let outcome = ReplaySimulator.run(trace, rule: .none, minIterations: 100, reductionFactor: 3, workers: 2)
        #expect(outcome.gridBest == "B" && rows[0].gridBestRank == 1 && rows[1].gridBestRank == 3)
    }

    @Test("only the rungs asked for are measured, in their order; a rung no job has compares nothing")
    func rungsAskedFor() {
        #expect(RungAgreement.measure(grid(), rungs: [300]).map(\.iteration) == [300])
        let rows = RungAgreement.measure(grid(), rungs: [200, 100])
        #expect(rows.map(\.iteration) == [200, 100] && rows.map(\.configurations) == [0, 4])
    }

    @Test("a seed without a value at a rung leaves its configuration out of that rung only")
    func missingRung() {
        var trace = grid()
        trace.jobs[7].rungs.removeLast()        // D's second seed has no rung 300
        #expect(RungAgreement.measure(trace, rungs: [100, 300]).map(\.configurations) == [4, 3])
        trace.jobs[7].rungs[0].metric = .nan    // …and a non-finite value at rung 100
        #expect(RungAgreement.measure(trace, rungs: [100, 300]).map(\.configurations) == [3, 3])
    }

    /// Precision, higher is better. Finals A 0.5, B 0.9, C 0.7, D 0.6: B is best. At rung 100
    /// (C 0.4 > B 0.3 > D 0.2 > A 0.1) B ranks 2nd; read the wrong way round, A would be "best"
    /// and rank 1st.
    @Test("with a higher-is-better metric the best is the highest final and ranks by the highest rung mean")
    func higherIsBetter() throws {
        let values = [("A", 0.1, 0.5), ("B", 0.3, 0.9), ("C", 0.4, 0.7), ("D", 0.2, 0.6)]
        let trace = ReplayTrace(metric: .precision, jobs: values.flatMap { c, r, f in
            (0..<2).map { s in traced(c, seed: s, r + 0.01 * Double(s), r, final: f) }
        })
        let row = try #require(RungAgreement.measure(trace, rungs: [100, 300]).first)
        #expect(row.gridBestRank == 2)
        #expect(abs(try #require(row.rankCorrelation) - 0.8) < 1e-12)   // ranks 4 2 1 3 against 4 1 2 3
    }

    @Test("a best tied with another configuration at a rung gets their average rank")
    func tiedBest() {
        var trace = grid()
        for j in 2...3 { trace.jobs[j].rungs[0].metric = trace.jobs[j - 2].rungs[0].metric }   // B = A at rung 100
        #expect(RungAgreement.measure(trace, rungs: [100, 300])[0].gridBestRank == 1.5)
    }

    @Test("the table has one row per rung, the missing figures as dashes")
    func table() {
        let text = RungAgreement.table(RungAgreement.measure(grid(), rungs: [100, 300]))
        #expect(text.contains("| 100 | 4 | 1.00 | 1 | 0.258 | 0.071 | 0.050 |"))
        #expect(text.contains("| 300 | 4 | -1.00 | 4 |"))
        #expect(RungAgreement.table([RungAgreement(iteration: 5, configurations: 0)]).contains("| 5 | 0 | – | – | – | – | – |"))
    }

    @Test("ties share their average rank; fewer than three configurations or a constant side give no correlation")
    func ranksAndDegenerateCases() {
        #expect(RungAgreement.ranks([3, 1, 3, 2]) == [3.5, 1, 3.5, 2])
        #expect(RungAgreement.spearman([1, 2], [1, 2]) == nil)
        #expect(RungAgreement.spearman([1, 1, 1], [1, 2, 3]) == nil)
        #expect(abs(RungAgreement.spearman([1, 2, 3, 4], [10, 20, 40, 30])! - 0.8) < 1e-12)
    }
}
