import EBMCore
import Foundation
import Sweep
import Testing
@testable import Report

@Suite struct ComparisonTests {
    static func config(_ rank: Int, _ values: [UInt64: Double], seeds: Int = 3, status: RunStatus = .ok,
                       swept: [String: HyperparameterValue] = [:]) -> ConfigurationResults {
        ConfigurationResults(rank: rank, configID: "c\(rank)", values: swept, metricBySeed: values, seeds: seeds, status: status)
    }

    /// Student's t CDF for ν = 2 and ν = 4 in closed form (x = t / √(ν + t²)), independent of the
    /// incomplete-beta code under test.
    static func upperTail2(_ t: Double) -> Double { 0.5 - t / (2 * (2 + t * t).squareRoot()) }
    static func upperTail4(_ t: Double) -> Double {
        let x = t / (4 + t * t).squareRoot()
        return 0.5 - 0.75 * (x - x * x * x / 3)
    }

    /// Best A = 1.0, 1.2, 1.1 on seeds 0–2. B adds 0, 0.2, 0 (paired t = 1); C adds 0.04, 0.1, 0.1
    /// (paired t = 4, raw p 0.029: worse uncorrected, tied after Holm's × 2); D runs seeds 3–5 with
    /// 1.4, 1.6, 1.5 (Welch: t = 0.4 / √(0.01/3 + 0.01/3) = 4.899, ν = 4); E has one seed, F none.
    static func example(sign: Double) -> [ConfigurationResults] {
        [config(1, [0: 1.0, 1: 1.2, 2: 1.1]), config(2, [0: 1.0, 1: 1.4, 2: 1.1]), config(3, [0: 1.04, 1: 1.3, 2: 1.2]),
         config(4, [3: 1.4, 4: 1.6, 5: 1.5]), config(5, [0: 2.0]), config(6, [:], status: .diverged)]
            .map { c in
                var c = c
                c.metricBySeed = c.metricBySeed.mapValues { sign * $0 }
                return c
            }
    }

    @Test("ties match a hand-computed example: paired where seeds match, Welch where not, Holm over the tested ones",
          arguments: [(RankingMetric.kdeNLL, 1.0), (.precision, -1.0)])
    func ties(metric: RankingMetric, sign: Double) throws {
        let comparison = BestComparison(configurations: Self.example(sign: sign), metric: metric)
        #expect(comparison.bestID == "c1" && comparison.comparisons == 3)
        let e = comparison.entries
        let (pB, pC) = (Self.upperTail2(1), Self.upperTail2(4))
        let tD = 0.4 / (0.02 / 3).squareRoot()
        let pD = Self.upperTail4(tD)
        #expect(e["c1"]?.verdict == .best)
        #expect(e["c2"]?.test == .paired(seeds: 3) && abs((e["c2"]?.statistic ?? 0) - 1) < 1e-9)
        #expect(abs((e["c3"]?.statistic ?? 0) - 4) < 1e-9 && abs((e["c3"]?.p ?? 0) - pC) < 1e-9)
        let degrees = try #require({ if case .welch(let d)? = e["c4"]?.test { d } else { nil } }())
        #expect(abs(degrees - 4) < 1e-9 && abs((e["c4"]?.statistic ?? 0) - tD) < 1e-9 && abs((e["c4"]?.p ?? 0) - pD) < 1e-9)
        // Holm: D·3 < 0.05 (worse); max(D·3, C·2) = 0.057 (tied); max(…, B·1) = 0.21 (tied).
        #expect(abs((e["c4"]?.adjustedP ?? 0) - 3 * pD) < 1e-9 && e["c4"]?.verdict == .worse)
        #expect(abs((e["c3"]?.adjustedP ?? 0) - 2 * pC) < 1e-9 && e["c3"]?.verdict == .tied)
        #expect(pC < BestComparison.alpha, "uncorrected, C would be worse: the correction matters here")
        #expect(abs((e["c2"]?.adjustedP ?? 0) - pB) < 1e-9 && e["c2"]?.verdict == .tied)
        #expect(e["c5"]?.verdict == .untested && e["c6"]?.verdict == .untested)
    }

    @Test("racing's rivals: the best, then the tied ones in rank order, never the worse or untested ones, at most the limit")
    func rivals() {
        let configurations = Self.example(sign: 1)
        let comparison = BestComparison(configurations: configurations, metric: .kdeNLL)
        #expect(comparison.rivals(in: configurations.reversed(), limit: 10) == ["c1", "c2", "c3"])
        #expect(comparison.rivals(in: configurations, limit: 2) == ["c1", "c2"])
        #expect(comparison.rivals(in: configurations, limit: 0) == ["c1"])
        let none = [Self.config(1, [:], status: .diverged)]
        #expect(BestComparison(configurations: none, metric: .kdeNLL).rivals(in: none, limit: 3).isEmpty)
    }

    @Test("without spread the sign of the difference decides; identical seeds are tied")
    func noSpread() {
        let comparison = BestComparison(configurations: [Self.config(1, [0: 1, 1: 2]), Self.config(2, [0: 1, 1: 2]), Self.config(3, [0: 1.5, 1: 2.5])],
                                        metric: .kdeNLL)
        #expect(comparison.entries["c2"]?.verdict == .tied && comparison.entries["c3"]?.verdict == .worse)
    }

    /// m = α(lr) + β(steps) + ½ α β, α = ±1, β ∈ {−1, 0, 1}, seeds ±0.5: main effects 1 and 2/3,
    /// interactions ¼ · 2/3, seed noise ¼; total 25/12.
    static func grid(includeAll: Bool = true) -> [ConfigurationResults] {
        var out: [ConfigurationResults] = []
        for (a, lr) in [(-1.0, 1e-3), (1.0, 3e-3)] {
            for (b, steps) in [(-1.0, 10), (0.0, 20), (1.0, 30)] {
                let m = a + b + 0.5 * a * b
                let values: [String: HyperparameterValue] = ["lr": .double(lr), "langevin_steps": .int(steps), "neurons": .int(64)]
                out.append(ConfigurationResults(rank: out.count + 1, configID: "g\(out.count)", values: values,
                                                metricBySeed: [0: m + 0.5, 1: m - 0.5], seeds: 2, status: .ok))
            }
        }
        if !includeAll { out[4].metricBySeed = [:] }
        return out
    }

    @Test("importance shares sum to one and match a synthetic grid's known answer")
    func importance() throws {
        let result = try HyperparameterImportance.decompose(Self.grid(), swept: ["lr", "langevin_steps", "neurons"]).get()
        #expect(result.mainEffects.map(\.name) == ["lr", "langevin_steps", "neurons"])
        let shares = result.mainEffects.map(\.share)
        #expect(abs(shares[0] - 12.0 / 25) < 1e-12 && abs(shares[1] - 8.0 / 25) < 1e-12 && shares[2] == 0)
        #expect(abs(result.interactions - 2.0 / 25) < 1e-12 && abs(result.seedNoise - 3.0 / 25) < 1e-12)
        #expect(abs(shares.reduce(0, +) + result.interactions + result.seedNoise - 1) < 1e-12)
        #expect(abs(result.totalVariance - 25.0 / 12) < 1e-12)
        #expect(result.mostImportant == ["lr", "langevin_steps"])
    }

    @Test("importance is refused, with the reason, when the grid is incomplete or nothing varies")
    func importanceUnavailable() {
        guard case .failure(let reason) = HyperparameterImportance.decompose(Self.grid(includeAll: false), swept: ["lr", "langevin_steps"]) else {
            Issue.record("an incomplete grid was decomposed")
            return
        }
        #expect(reason.description.contains("5 configurations with an ok seed of 6"))
        let flat = Self.grid().map { c -> ConfigurationResults in
            var c = c
            c.metricBySeed = [0: 1, 1: 1]
            return c
        }
        #expect((try? HyperparameterImportance.decompose(flat, swept: ["lr", "langevin_steps", "neurons"]).get()) == nil)
    }

    @Test("without importance, the heat map's pair is the two hyperparameters whose values' means differ most; one with a single scored value is left out")
    func widestSpread() {
        func c(_ rank: Int, _ p: Int, _ q: Int, _ r: Int, _ mean: Double?) -> ConfigurationResults {
            Self.config(rank, mean.map { [0: $0 - 0.1, 1: $0 + 0.1] } ?? [:], seeds: 2, status: mean == nil ? .stopped : .ok,
                        swept: ["p": .int(p), "q": .int(q), "r": .int(r)])
        }
        // p: 1.25 against 3 (spread 1.75); q: 2 against 1.5 (0.5); r: only r = 1 was scored.
        let configurations = [c(1, 1, 1, 1, 1.0), c(2, 2, 1, 1, 3.0), c(3, 1, 2, 1, 1.5), c(4, 2, 2, 1, nil), c(5, 1, 1, 2, nil)]
        #expect(HyperparameterImportance.widestSpread(configurations, swept: ["r", "q", "p"]) == ["p", "q"])
        #expect(HyperparameterImportance.widestSpread(configurations, swept: ["r", "p"]).isEmpty)
    }
}
