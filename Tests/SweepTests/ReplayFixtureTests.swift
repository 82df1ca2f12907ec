import Foundation
import Testing
@testable import Sweep

/// The shipped full grids (`ebm-sweep trace` of the specs beside them; metrics only) replayed
/// under every rule with two workers, as `make sweep` runs: what BENCHMARKS.md reports.
@Suite("Replays of the shipped full grids")
struct ReplayFixtureTests {
    static let traces = ["ml_swiss_grid.trace.csv", "nce_gaussians_grid.trace.csv", "ml_swiss_grid3k.trace.csv"]
    /// The rungs each grid was evaluated at: 100·3^k below its iterations (1000, or 3000).
    static let rungs = ["ml_swiss_grid.trace.csv": [100, 300, 900], "nce_gaussians_grid.trace.csv": [100, 300, 900],
                        "ml_swiss_grid3k.trace.csv": [100, 300, 900, 2700]]

    func trace(_ name: String) throws -> ReplayTrace {
        let path = fixturePath("replay/\(name)")
        return try ReplayTrace.parse(try String(contentsOfFile: path, encoding: .utf8), file: path)
    }

    @Test("each shipped grid is whole: 27 configurations × 3 seeds, every finished job evaluated at each rung", arguments: traces)
    func whole(name: String) throws {
        let t = try trace(name)
        let rungs = try #require(Self.rungs[name])
        #expect(t.jobs.count == 81 && Set(t.jobs.map(\.configID)).count == 27)
        #expect(t.jobs.allSatisfy { $0.status != .ok || $0.rungs.map(\.iteration) == rungs })
        #expect(t.missingRung(for: ReplaySimulator.Rule.asha.settings(minIterations: 100, reductionFactor: 3)) == nil)
    }

    /// From rung 300. (From 100, replayed without the spec, the seed-aware rules stop the best of
    /// the 1000-iteration grids: at 100 iterations their rung evaluations look like everyone's.
    /// With the spec's noise floor the ML grid keeps it: NoiseFloorRuleTests. BENCHMARKS.md.)
    @Test("replayed from rung 300: no rule spends more than the grid; the seed-aware rules never stop a seed of the grid's best and pay for one diverged run per configuration at most",
          arguments: traces)
    func rules(name: String) throws {
        let t = try trace(name)
        let outcomes = ReplaySimulator.Rule.allCases.map {
            ReplaySimulator.run(t, rule: $0, minIterations: 300, reductionFactor: 3, workers: 2)
        }
        let none = try #require(outcomes.first { $0.rule == .none })
        #expect(abs(none.usedFraction - 1) < 1e-9 && none.pickGridRank == 1 && none.stoppedJobs == 0)
        for o in outcomes {
            #expect(o.usedSeconds <= o.gridSeconds * (1 + 1e-12), "\(o.rule)")
            #expect(o.pick != nil, "\(o.rule)")
        }
        // A diverged seed ends its configuration: the seed-aware rules pay for one diverged run per
        // configuration at most (the one that diverged first; at most the dearest).
        var dearest: [String: Double] = [:]
        for j in t.jobs where j.status == .diverged { dearest[j.configID] = max(dearest[j.configID] ?? 0, j.seconds) }
        let oneEach = dearest.values.reduce(0, +)
        for o in outcomes where o.rule == .asha || o.rule == .median {
            #expect(o.divergedSeconds <= oneEach + 1e-9, "\(o.rule) ran more than one diverging seed of a configuration")
            #expect(o.gridBestSeedsStopped == 0, "\(o.rule) stopped the grid's best")
            #expect(o.pickWithinOneStd, "\(o.rule) picked \(o.pick ?? "nothing"), grid rank \(o.pickGridRank ?? 0)")
            #expect(o.usedFraction < 1, "\(o.rule) stopped nothing")
        }
    }

    @Test("what each rung of the NCE grid knows, as BENCHMARKS.md reports it: its first rung is unrelated to the final ranking, its last nearly the same")
    func agreement() throws {
        let rows = RungAgreement.measure(try trace("nce_gaussians_grid.trace.csv"), rungs: [100, 300, 900])
        #expect(rows.map(\.iteration) == [100, 300, 900] && rows.allSatisfy { $0.configurations == 27 })
        #expect(abs(try #require(rows[0].rankCorrelation) + 0.06) < 0.005 && rows[0].gridBestRank == 16)
        #expect(try #require(rows[2].rankCorrelation) > 0.975 && rows[2].gridBestRank == 1)
    }
}
