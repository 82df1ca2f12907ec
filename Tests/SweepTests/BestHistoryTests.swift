import EBMCore
import Foundation
import Testing
@testable import Sweep

@Suite("The best over time")
struct BestHistoryTests {
    let start = Date(timeIntervalSince1970: 1_000_000)

    /// Three configurations (lr 1e-3, 2e-3, 3e-3) × two seeds.
    func sweep() throws -> [Job] {
        Planner.plan(try spec("method: ml\ngrid:\n  lr: [0.001, 0.002, 0.003]\nseeds: [0, 1]\n"))
    }

    func job(_ all: [Job], lr: Double, seed: UInt64) -> Job {
        all.first { $0.config.lr == lr && $0.seed == seed }!
    }

    /// A job that ended `at` seconds after the start with `value` (nil: diverged), costing `seconds`.
    func ended(_ job: Job, at: Double, _ value: Double?, seconds: Double = 10, status: RunStatus? = nil)
        -> (BestHistory.Finish, ResultSummary) {
        let status = status ?? (value == nil ? .diverged : .ok)
        return (BestHistory.Finish(job: job, at: start.addingTimeInterval(at), status: status),
                ResultSummary(jobID: job.id, attempt: 1, status: status, metrics: value.map { ["kde_nll": $0] } ?? [:],
                              worker: "w", seconds: seconds, secondsPerIteration: 0.01, iterationsRun: 100))
    }

    func trace(_ all: [Job], _ ends: [(BestHistory.Finish, ResultSummary)], raced: Set<String> = [], added: [String: Date] = [:],
               metric: RankingMetric = .kdeNLL) -> (best: [BestHistory.Point], entries: [BestHistory.Entry]) {
        BestHistory.trace(jobs: all, raced: raced, added: added, finishes: ends.map(\.0), results: ends.map(\.1), start: start,
                          metric: metric)
    }

    /// The sweep grown by a seed (2) for every configuration an hour in, after its first two seeds
    /// had all ended: lr 1e-3 was best from 30 s; its new seed moves its mean when it ends.
    @Test("a seed added to a grown sweep is waited for from when it was added: the best before it stays, and the new seed moves its mean")
    func grownSweep() throws {
        let first = try sweep()
        let grown = Planner.plan(try spec("method: ml\ngrid:\n  lr: [0.001, 0.002, 0.003]\nseeds: [0, 1, 2]\n"))
        let new = grown.filter { $0.seed == 2 }
        let added = Dictionary(uniqueKeysWithValues: new.map { ($0.id, start.addingTimeInterval(3600)) })
        let history = trace(grown, [
            ended(job(first, lr: 0.001, seed: 0), at: 10, 2.0),
            ended(job(first, lr: 0.002, seed: 0), at: 20, 2.5),
            ended(job(first, lr: 0.001, seed: 1), at: 30, 2.2),     // lr 1e-3 complete: best (2.1)
            ended(job(first, lr: 0.002, seed: 1), at: 40, 2.7),
            ended(job(first, lr: 0.003, seed: 0), at: 50, 3.0),
            ended(job(first, lr: 0.003, seed: 1), at: 60, 3.0),
            ended(job(grown, lr: 0.002, seed: 2), at: 4000, 2.6),
            ended(job(grown, lr: 0.001, seed: 2), at: 4100, 2.3),   // its mean now 2.1667
            ended(job(grown, lr: 0.003, seed: 2), at: 4200, 3.0),
        ], added: added)
        let best = job(first, lr: 0.001, seed: 0).configID
        #expect(history.best.map(\.configID) == [best, best])
        #expect(history.best.map(\.elapsed) == [30, 4100])
        #expect(history.best.map(\.seeds) == [2, 3] && abs(history.best[1].mean - 6.5 / 3) < 1e-12)
        #expect(history.entries.map(\.elapsed) == [30, 40, 60], "each configuration enters once")
    }

    @Test("a configuration counts once all its planned seeds have ended: a better one with a seed still running is not yet best")
    func waitsForEverySeed() throws {
        let all = try sweep()
        let history = trace(all, [
            ended(job(all, lr: 0.001, seed: 0), at: 10, 2.0),
            ended(job(all, lr: 0.002, seed: 0), at: 20, 1.0),     // lr 2e-3 far better, but one seed so far
            ended(job(all, lr: 0.001, seed: 1), at: 30, 2.2),     // lr 1e-3 complete: best (2.1)
            ended(job(all, lr: 0.002, seed: 1), at: 50, 1.4),     // lr 2e-3 complete: best (1.2)
        ])
        #expect(history.best.map(\.configID) == [job(all, lr: 0.001, seed: 0).configID, job(all, lr: 0.002, seed: 0).configID])
        #expect(history.best.map(\.elapsed) == [30, 50])
        #expect(history.best.map(\.workerSeconds) == [30, 40])
        #expect(abs(history.best[0].mean - 2.1) < 1e-12 && abs(history.best[1].mean - 1.2) < 1e-12)
        #expect(history.best.allSatisfy { $0.seeds == 2 })
        #expect(history.entries.map(\.elapsed) == [30, 50])
    }

    @Test("a configuration with a diverged or stopped seed is never the best, whatever its other seed; it still enters, without a mean")
    func divergedAndStopped() throws {
        let all = try sweep()
        let history = trace(all, [
            ended(job(all, lr: 0.002, seed: 0), at: 10, 0.5),
            ended(job(all, lr: 0.002, seed: 1), at: 11, nil),                      // diverged
            ended(job(all, lr: 0.003, seed: 0), at: 12, 0.4),
            ended(job(all, lr: 0.003, seed: 1), at: 13, 0.6, status: .stopped),    // stopped at a rung
            ended(job(all, lr: 0.001, seed: 0), at: 20, 3.0),
            ended(job(all, lr: 0.001, seed: 1), at: 21, 3.0),
        ])
        #expect(history.best.map(\.configID) == [job(all, lr: 0.001, seed: 0).configID])
        #expect(history.best.map(\.elapsed) == [21])
        #expect(history.entries.map(\.mean) == [nil, nil, 3.0])
    }

    @Test("racing's seeds move the best's mean as each ends, without waiting for the rest; a rival that overtakes becomes best")
    func racing() throws {
        let base = try sweep()
        let race = Racing.jobs(rivals: [job(base, lr: 0.001, seed: 0), job(base, lr: 0.002, seed: 0)], seeds: [2])
        let (a2, b2) = (race[0], race[1])
        let all = base + race
        let history = trace(all, [
            ended(job(all, lr: 0.001, seed: 0), at: 1, 1.0), ended(job(all, lr: 0.001, seed: 1), at: 2, 1.2),
            ended(job(all, lr: 0.002, seed: 0), at: 3, 1.1), ended(job(all, lr: 0.002, seed: 1), at: 4, 1.3),
            ended(job(all, lr: 0.003, seed: 0), at: 5, 9.0), ended(job(all, lr: 0.003, seed: 1), at: 6, 9.0),
            ended(a2, at: 7, 1.3),   // lr 1e-3: (1.0 + 1.2 + 1.3) / 3 = 1.1667, still ahead of lr 2e-3's 1.2
            ended(b2, at: 8, 1.0),   // lr 2e-3: (1.1 + 1.3 + 1.0) / 3 = 1.1333: overtakes
        ], raced: [a2.id, b2.id])
        #expect(history.best.map(\.configID) == [a2.configID, a2.configID, b2.configID])
        #expect(history.best.map(\.elapsed) == [2, 7, 8])
        #expect(history.best.map(\.seeds) == [2, 3, 3])
        // Racing's seeds add no entries: each configuration enters once.
        #expect(history.entries.count == 3)
    }

    @Test("a higher-is-better metric keeps the highest mean; ties in time are taken in job id order")
    func directionAndTies() throws {
        let all = try sweep()
        func ends(_ v1: Double, _ v2: Double) -> [(BestHistory.Finish, ResultSummary)] {
            [ended(job(all, lr: 0.001, seed: 0), at: 5, v1), ended(job(all, lr: 0.001, seed: 1), at: 5, v1),
             ended(job(all, lr: 0.002, seed: 0), at: 5, v2), ended(job(all, lr: 0.002, seed: 1), at: 5, v2)]
        }
        func relabel(_ e: [(BestHistory.Finish, ResultSummary)]) -> [(BestHistory.Finish, ResultSummary)] {
            e.map { f, r in var r = r; r.metrics = ["recall": r.metrics["kde_nll"] ?? .nan]; return (f, r) }
        }
        let higher = trace(all, relabel(ends(0.9, 0.7)), metric: .recall)
        #expect(higher.best.last?.configID == job(all, lr: 0.001, seed: 0).configID)
        let lower = trace(all, ends(0.9, 0.7))
        #expect(lower.best.last?.configID == job(all, lr: 0.002, seed: 0).configID)
        // All four ended at once, yet the history is one order: the same input in any order gives the same output.
        let reversed = BestHistory.trace(jobs: all, raced: [], finishes: ends(0.9, 0.7).reversed().map(\.0),
                                         results: ends(0.9, 0.7).map(\.1), start: start, metric: .kdeNLL)
        #expect(reversed.best == lower.best && reversed.entries == lower.entries)
        // Equal means: the configuration id decides, as in the ranking.
        let tied = trace(all, ends(0.8, 0.8))
        let ids = [job(all, lr: 0.001, seed: 0).configID, job(all, lr: 0.002, seed: 0).configID]
        #expect(tied.best.last?.configID == ids.min())
    }

    @Test("a worker's absurd claim of its time (1e300 s, inf) is not added to the worker-seconds")
    func absurdSeconds() throws {
        let all = try sweep()
        let history = trace(all, [
            ended(job(all, lr: 0.001, seed: 0), at: 1, 1.0, seconds: 1e300),
            ended(job(all, lr: 0.001, seed: 1), at: 2, 1.0, seconds: .infinity),
            ended(job(all, lr: 0.002, seed: 0), at: 3, 0.5, seconds: 7),
            ended(job(all, lr: 0.002, seed: 1), at: 4, 0.5, seconds: 8),
        ])
        #expect(history.best.map(\.workerSeconds) == [0, 15])
    }
}
