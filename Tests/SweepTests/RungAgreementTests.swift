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
        let rows = RungAgreement.measure(grid())
        #expect(rows.map(\.iteration) == [100, 300] && rows.allSatisfy { $0.configurations == 4 })
        let (first, second) = (rows[0], rows[1])
        #expect(abs(try #require(first.rankCorrelation) - 1) < 1e-12 && first.gridBestRank == 1)
        #expect(abs(try #require(second.rankCorrelation) + 1) < 1e-12 && second.gridBestRank == 4)
    }

    /// Seeds 0.1 apart in every configuration: each has s² = 0.005, so the pooled spread is √0.005.
    /// The rung-100 means are 2.05, 2.25, 2.45 and 2.65; the spread of means is their sample standard deviation.
    @Test("the seed spread is pooled within configurations; the spread of means is across them")
    func spreads() throws {
        let row = try #require(RungAgreement.measure(grid()).first)
        #expect(abs(try #require(row.seedSpread) - 0.005.squareRoot()) < 1e-12)
        let means = [2.05, 2.25, 2.45, 2.65], m = means.reduce(0, +) / 4
        let sd = (means.reduce(0) { $0 + ($1 - m) * ($1 - m) } / 3).squareRoot()
        #expect(abs(try #require(row.spreadOfMeans) - sd) < 1e-12)
    }

    @Test("a configuration with a diverged seed has no final ranking and is left out, best included")
    func divergedLeftOut() throws {
        var trace = grid()
        trace.jobs[1].status = .diverged        // A's second seed
        trace.jobs[1].finalMetric = nil
        let rows = RungAgreement.measure(trace)
        #expect(rows.allSatisfy { $0.configurations == 3 })
        // B is now the best, first at rung 100 and last of three at rung 300.
        #expect(rows[0].gridBestRank == 1 && rows[1].gridBestRank == 3)
    }

    @Test("with a higher-is-better metric the best is the highest final and ranks by the highest rung mean")
    func higherIsBetter() throws {
        var trace = grid()
        trace.metric = .precision
        let rows = RungAgreement.measure(trace)
        // D has the highest final; at rung 100 it also has the highest mean (first), at 300 the lowest.
        #expect(rows[0].gridBestRank == 1 && rows[1].gridBestRank == 4)
        #expect(abs(try #require(rows[0].rankCorrelation) - 1) < 1e-12)
    }

    @Test("ties share their average rank; fewer than three configurations or a constant side give no correlation")
    func ranksAndDegenerateCases() {
        #expect(RungAgreement.ranks([3, 1, 3, 2]) == [3.5, 1, 3.5, 2])
        #expect(RungAgreement.spearman([1, 2], [1, 2]) == nil)
        #expect(RungAgreement.spearman([1, 1, 1], [1, 2, 3]) == nil)
        #expect(abs(RungAgreement.spearman([1, 2, 3, 4], [10, 20, 40, 30])! - 0.8) < 1e-12)
    }
}
