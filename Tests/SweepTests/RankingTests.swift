import EBMCore
import Testing
@testable import Sweep

@Suite("Ranking")
struct RankingTests {
    /// Means and standard deviations of a handful of values: exact up to a few ulps of rounding.
    static let arithmeticTolerance = 1e-12

    func result(_ job: Job, _ status: RunStatus, _ metrics: [String: Double]) -> ResultSummary {
        ResultSummary(jobID: job.id, attempt: 1, status: status, metrics: metrics, worker: "w", seconds: 1,
                      secondsPerIteration: 0.001, iterationsRun: 100)
    }

    /// Four configurations × three seeds from a grid on lr.
    func sweep() throws -> [Job] {
        Planner.plan(try spec("method: ml\ngrid:\n  lr: [0.001, 0.002, 0.003, 0.004]\nseeds: [0, 1, 2]\n"))
    }

    func jobs(_ all: [Job], lr: Double) -> [Job] { all.filter { $0.config.lr == lr } }

    @Test("mean and sample std over ok seeds; lower kde_nll ranks first, but a configuration with a diverged seed after every one without (however good its ok seed); diverged before failed")
    func kdeOrder() throws {
        let all = try sweep()
        var results: [ResultSummary] = []
        for (job, v) in zip(jobs(all, lr: 0.001), [1.0, 2.0, 3.0]) { results.append(result(job, .ok, ["kde_nll": v, "recall": v / 10])) }
        let b = jobs(all, lr: 0.002)
        results += [result(b[0], .ok, ["kde_nll": 0.5]), result(b[1], .diverged, [:])]
        results.append(result(jobs(all, lr: 0.003)[0], .diverged, [:]))
        let failed = Dictionary(uniqueKeysWithValues: jobs(all, lr: 0.004).map { ($0.id, RunStatus.failed) })
        // A refused configuration is stored as a failed result as well as a failed job: counted once.
        results.append(result(jobs(all, lr: 0.004)[0], .failed, [:]))
        let rows = Ranking.rank(jobs: all, statuses: failed, results: results, metric: .kdeNLL)
        // lr 0.002's one ok seed (0.5) beats every seed of lr 0.001, but its other seed diverged.
        #expect(rows.map { $0.value(of: "lr") } == [.double(0.001), .double(0.002), .double(0.003), .double(0.004)])
        #expect(rows.map(\.rank) == [1, 2, 3, 4])
        #expect(rows.map(\.status) == [.ok, .ok, .diverged, .failed])
        #expect(rows[1].metricStd == 0 && rows[1].nOK == 1 && rows[1].nDiverged == 1)
        let first = rows[0]
        #expect(abs((first.metricMean ?? .nan) - 2) < Self.arithmeticTolerance)
        #expect(abs((first.metricStd ?? .nan) - 1) < Self.arithmeticTolerance)  // sample std of 1, 2, 3
        #expect(abs((first.otherMetrics["recall"]?.mean ?? .nan) - 0.2) < Self.arithmeticTolerance)
        #expect(first.otherMetrics["kde_nll"] == nil)
        #expect(rows[3].nFailed == 3 && rows[3].metricMean == nil)
        #expect(Ranking.variedNames(in: rows) == ["lr"])
    }

    @Test("stopped configurations rank after the completed ones, the latest rung first, never by a lucky seed")
    func stopped() throws {
        let all = try sweep()
        let a = jobs(all, lr: 0.001), b = jobs(all, lr: 0.002), c = jobs(all, lr: 0.003), d = jobs(all, lr: 0.004)
        let at = EarlyStopping.stoppedAtKey
        var results = a.map { result($0, .ok, ["kde_nll": 2.5]) }
        // b: one seed finished (a lucky 1.0) before its configuration was stopped at rung 300.
        results += [result(b[0], .ok, ["kde_nll": 1.0]), result(b[1], .stopped, ["kde_nll": 3.1, at: 300])]
        // c: stopped at rung 900, its third seed never started; d: stopped at rung 100.
        results += [result(c[0], .stopped, ["kde_nll": 2.9, at: 900]), result(c[1], .stopped, ["kde_nll": 2.7, at: 900])]
        results += [result(d[0], .stopped, ["kde_nll": 1.5, at: 100])]
        let statuses = [b[2].id: RunStatus.stopped, c[2].id: .stopped, d[1].id: .stopped, d[2].id: .stopped]
        let rows = Ranking.rank(jobs: all, statuses: statuses, results: results, metric: .kdeNLL)
        #expect(rows.map { $0.value(of: "lr") } == [.double(0.001), .double(0.003), .double(0.002), .double(0.004)])
        #expect(rows.map(\.status) == [.ok, .stopped, .stopped, .stopped])
        #expect(rows[1].stoppedAt == 900 && rows[1].nStopped == 3 && abs((rows[1].rungMean ?? .nan) - 2.8) < Self.arithmeticTolerance)
        #expect(rows[2].metricMean == nil && rows[2].nOK == 1 && rows[2].stoppedAt == 300 && rows[2].rungMean == 3.1)
        #expect(rows[3].stoppedAt == 100 && rows[3].nStopped == 3)
    }

    @Test("a configuration stopped for a diverged seed ranks after every stopped one without, however late its rung")
    func stoppedForDivergedSeed() throws {
        let all = try sweep()
        let a = jobs(all, lr: 0.001), b = jobs(all, lr: 0.002)
        let at = EarlyStopping.stoppedAtKey
        // a: stopped by the rule at rung 100; b: its seed 0 diverged, seed 1 stopped with it at rung 900.
        let results = [result(a[0], .stopped, ["kde_nll": 3.0, at: 100]), result(b[0], .diverged, [:]),
                       result(b[1], .stopped, ["kde_nll": 1.0, at: 900])]
        let statuses = [a[1].id: RunStatus.stopped, a[2].id: .stopped, b[2].id: .stopped]
        let rows = Ranking.rank(jobs: all.filter { $0.config.lr <= 0.002 }, statuses: statuses, results: results, metric: .kdeNLL)
        #expect(rows.map { $0.value(of: "lr") } == [.double(0.001), .double(0.002)])
        #expect(rows.map(\.status) == [.stopped, .stopped] && rows[1].nDiverged == 1 && rows[1].stoppedAt == 900)
    }

    @Test("precision and recall rank higher values first")
    func higherIsBetter() throws {
        let all = try sweep()
        let results = [0.001, 0.002, 0.003, 0.004].enumerated().map { i, lr in
            result(jobs(all, lr: lr)[0], .ok, ["precision": [0.2, 0.9, 0.5, 0.1][i], "kde_nll": 1])
        }
        let rows = Ranking.rank(jobs: all, results: results, metric: .precision)
        #expect(rows.compactMap(\.metricMean) == [0.9, 0.5, 0.2, 0.1])
    }

    @Test("ties break by configuration id and duplicate results count once")
    func ties() throws {
        let all = try sweep()
        let first = jobs(all, lr: 0.001)[0]
        var results = [0.001, 0.002].map { result(jobs(all, lr: $0)[0], .ok, ["kde_nll": 1]) }
        results.append(result(first, .ok, ["kde_nll": 100]))  // a late duplicate of the same job
        let rows = Ranking.rank(jobs: all, results: results, metric: .kdeNLL)
        #expect(rows[0].configID < rows[1].configID && rows[0].metricMean == 1 && rows[1].metricMean == 1)
        #expect(rows[2].status == .pending && rows[3].status == .pending)
    }
}

