import EBMCore
import Foundation
import Testing
@testable import Sweep

/// Random sweeps of synthetic learning curves (noisy seeds, slow starters, bad seeds, diverging
/// runs, random arrival) in which one configuration is well separated: at every rung each of its
/// seeds is below every seed of every other configuration. No rule may ever stop it.
@Suite("Pruners on random well-separated curves")
struct PrunerPropertyTests {
    struct Sweep {
        var jobs: [Job]
        /// In arrival order.
        var reports: [RungReport]
        var best: String
        var reductionFactor: Int
    }

    static func randomSweep(seed: UInt64, higherIsBetter: Bool) -> Sweep {
        var random = RandomSource(seed: seed)
        let configs = (0..<(4 + random.index(below: 21))).map { "c\($0)" }
        let seeds = 1 + random.index(below: 4)
        let eta = 2 + random.index(below: 3)
        let settings = EarlyStopping(rule: .asha, minIterations: [50, 100, 200][random.index(below: 3)],
                                     reductionFactor: eta, evaluation: EvaluationConfig.defaults(for: .ml))
        let rungs = settings.rungs(forIterations: 1000)
        let best = configs[random.index(below: configs.count)]
        var values: [String: [Int: Double]] = [:]  // job → rung → metric (lower is better)
        for name in configs where name != best {
            let level = random.uniform(1.5, 4), start = random.uniform(0, 3), tau = random.uniform(100, 600)
            let noise = random.uniform(0, 0.5)
            for s in 0..<seeds {
                let badSeed = random.index(below: 5) == 0 ? random.uniform(0, 2) : 0
                for r in rungs {
                    values["\(name)-s\(s)", default: [:]][r] = level + start * exp(-Double(r) / tau)
                        + random.uniform(-noise, noise) + badSeed * exp(-Double(r) / 200)
                }
            }
        }
        for r in rungs {
            let floor = values.values.compactMap { $0[r] }.min() ?? 3
            let margin = random.uniform(0.01, 0.3), noise = random.uniform(0, 0.3)
            for s in 0..<seeds { values["\(best)-s\(s)", default: [:]][r] = floor - margin - random.uniform(0, noise) }
        }
        // Random start times and speeds; a report arrives when its job reaches the rung.
        var events: [(time: Double, report: RungReport)] = []
        for (job, byRung) in values {
            let start = random.uniform(0, 2000), speed = random.uniform(0.5, 2)
            let diverges = job.hasPrefix(best + "-") ? nil : random.index(below: 10) == 0 ? rungs[random.index(below: rungs.count)] : nil
            for r in rungs {
                let escaped = r == diverges ? random.uniform(0.51, 1) : random.uniform(0, 0.2)
                let metric = byRung[r]!
                events.append((start + Double(r) / speed,
                               RungReport(jobID: job, iteration: r, metric: higherIsBetter ? -metric : metric, escaped: escaped)))
                if r == diverges { break }
            }
        }
        events.sort { ($0.time, $0.report.jobID) < ($1.time, $1.report.jobID) }
        return Sweep(jobs: prunerJobs(configs, seeds: seeds), reports: events.map(\.report), best: best, reductionFactor: eta)
    }

    static func pruners(for s: Sweep, metric: RankingMetric) -> [(String, any Pruner)] {
        [("asha", ASHAPruner(jobs: s.jobs, metric: metric, reductionFactor: s.reductionFactor, seedAware: true)),
         ("asha-unaware", ASHAPruner(jobs: s.jobs, metric: metric, reductionFactor: s.reductionFactor, seedAware: false)),
         ("median", MedianPruner(jobs: s.jobs, metric: metric, seedAware: true))]
    }

    @Test("the seed-aware rules never stop the well-separated best; seed-unaware ASHA keeps its best seed only",
          arguments: [false, true])
    func bestNeverStopped(higherIsBetter: Bool) {
        var stops: [String: Int] = [:]
        var bestSeedsStopped = 0
        for seed in UInt64(1)...150 {
            let sweep = Self.randomSweep(seed: seed, higherIsBetter: higherIsBetter)
            let bestJobs = sweep.jobs.filter { $0.configID == sweep.best }.map(\.id)
            for (name, pruner) in Self.pruners(for: sweep, metric: higherIsBetter ? .precision : .kdeNLL) {
                var p = pruner
                for report in sweep.reports where !p.isStopped(job: report.jobID) {
                    let decision = p.record(report)
                    if decision != .proceed { stops[name, default: 0] += 1 }
                    if name == "asha-unaware" {
                        if decision != .proceed && bestJobs.contains(report.jobID) { bestSeedsStopped += 1 }
                    } else {
                        #expect(!(bestJobs.contains(report.jobID) && decision != .proceed),
                                "seed \(seed), \(name): stopped the best at \(report): \(decision)")
                    }
                }
                #expect(!p.isStopped(configuration: sweep.best), "seed \(seed), \(name)")
                #expect(bestJobs.contains { !p.isStopped(job: $0) }, "seed \(seed), \(name): every seed of the best stopped")
            }
        }
        // Not vacuous: every rule stops plenty of the others over these sweeps, and the unaware
        // rule does stop seeds of the best (its worse seeds, judged against its better ones).
        for name in ["asha", "asha-unaware", "median"] { #expect(stops[name, default: 0] > 100, "\(name): \(stops)") }
        #expect(bestSeedsStopped > 0)
    }
}
