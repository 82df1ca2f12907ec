import EBMCore
import Foundation
import Report
@testable import Store
import Sweep
import Testing
@testable import Artifacts

@Suite("What a sweep's tables say about its course: the best over time, the rungs")
struct HistoryArtifactTests {
    let start = Date(timeIntervalSince1970: 2_000_000)

    /// The fixture's 24 jobs leased 10 s apart in plan order, each ending 60 s after its lease.
    func timedFixture() throws -> SweepDatabaseFixture {
        let fixture = try SweepDatabaseFixture(record: { _ in nil })
        for (k, job) in fixture.jobs.enumerated() {
            let leased = start.addingTimeInterval(10 * Double(k))
            try fixture.store.markLeased(jobID: job.id, worker: "w1", attempt: 1, at: leased)
            try fixture.store.record(SweepDatabaseFixture.result(for: job, status: .ok), finishedAt: leased.addingTimeInterval(60))
        }
        return fixture
    }

    @Test("results.md says when the final best became best, after how long and how much compute; the figure's line ends at its mean")
    func bestOverTime() throws {
        let fixture = try timedFixture()
        let ranked = try fixture.writeArtifacts()
        let best = try #require(ranked.first)
        // It became best when its last seed ended: nothing that ends later beats it, by definition of best.
        let last = try #require(fixture.jobs.indices.last { fixture.jobs[$0].configID == best.configID })
        let line = try #require(try fixture.read("results.md").split(separator: "\n").first { $0.hasPrefix("Best over time") })
        let finalChange = try #require(line.components(separatedBy: "; ").last)
        #expect(finalChange.hasPrefix(best.configID) || finalChange.contains(" \(best.configID) "), "\(line)")
        #expect(finalChange.contains("after \(NumberText.duration(10 * Double(last) + 60)) and \(last + 1) worker-seconds"), "\(line)")
        let figure = try SVGInspection(try fixture.read("figures/best-over-time.svg"))
        let steps = figure.elements("polyline").compactMap { SVGInspection.attribute("points", $0) }
        let ys = try #require(steps.first).split(separator: " ").compactMap { Double($0.split(separator: ",")[1]) }
        let shown = try #require(ys.last.flatMap(figure.yValue(ofPixel:)))
        #expect(abs(shown - (best.metricMean ?? .nan)) < 1e-3)
        try #require(try fixture.read("report.html").contains("best-over-time.svg"))
    }

    @Test("a sweep no job of which was leased says nothing of time")
    func noLeases() throws {
        let fixture = try SweepDatabaseFixture()
        try fixture.writeArtifacts()
        #expect(try !fixture.read("results.md").contains("Best over time"))
        #expect(!FileManager.default.fileExists(atPath: fixture.path("figures/best-over-time.svg")))
    }

    @Test("the racing line says the race is under way until its jobs end, then who ran on a fresh seed, who on all of them, and the best's count")
    func racingLine() throws {
        let fixture = try SweepDatabaseFixture()
        let ranked = try fixture.writeArtifacts()
        let (best, rival) = (ranked[0].configID, ranked[1].configID)
        let first = { (id: String) in fixture.jobs.first { $0.configID == id }! }
        let fresh = Racing.jobs(rivals: [first(best), first(rival)], seeds: [3])
        let rest = Racing.jobs(rivals: [first(best)], seeds: [4, 5])
        try fixture.store.race(fresh, detail: "race")
        try fixture.store.race(rest, detail: "the rest")
        func line() throws -> String? {
            let stored = try fixture.store.jobs(), results = try fixture.store.resultSummaries()
            let ranked = Ranking.rank(jobs: stored.map(\.job), results: results, metric: .kdeNLL)
            let configurations = ConfigurationResults.from(ranked: ranked, jobs: stored.map(\.job), results: results, metric: .kdeNLL, swept: [])
            return try SweepArtifacts.racingLine(store: fixture.store, stored: stored, configurations: configurations, raceSeeds: 3)
        }
        #expect(try line() == "Racing is under way: 2 configurations run on a fresh seed each, then the one ranked first "
                + "on the race's other seeds (4 race jobs to go).")
        // The rest of the race's seeds repeat the best's planned values, so it stays first.
        for job in fresh + rest {
            var result = SweepDatabaseFixture.result(for: job, status: .ok)
            result.metrics["kde_nll"] = SweepDatabaseFixture.kde(job.config, seed: job.seed - 3)
            try fixture.store.record(result)
        }
        let after = try SweepArtifacts.write(store: fixture.store, spec: fixture.spec, to: fixture.directory)
        #expect(after.first?.configID == best)
        #expect(try line() == "Racing: the best after the planned seeds and its 1 closest rival (tied with it) ran on a fresh seed each; "
                + "\(best), then ranked first, ran on all 3 of the race's seeds; the best, \(best), was decided on 6 seeds.")
    }

    /// Three configurations' race jobs stored in `steps` (each a list of (configuration index, seed)),
    /// all ended ok; returns the racing line for race_seeds `k`.
    /// `legacy`: the store's race jobs lose their steps, as in a store written before they were numbered.
    func racingLine(steps: [[(Int, UInt64)]], k: Int, legacy: Bool = false) throws -> (line: String?, ids: [String]) {
        let fixture = try SweepDatabaseFixture()
        let ranked = try fixture.writeArtifacts()
        let ids = ranked.prefix(3).map(\.configID)
        let first = { (id: String) in fixture.jobs.first { $0.configID == id }! }
        for step in steps {
            let jobs = step.flatMap { c, seed in Racing.jobs(rivals: [first(ids[c])], seeds: [seed]) }
            try fixture.store.race(jobs, detail: "step")
            for job in jobs { try fixture.store.record(SweepDatabaseFixture.result(for: job, status: .ok)) }
        }
        if legacy { _ = try fixture.store.database.execute("UPDATE raced SET step = NULL") }
        let stored = try fixture.store.jobs(), results = try fixture.store.resultSummaries()
        let configurations = ConfigurationResults.from(ranked: Ranking.rank(jobs: stored.map(\.job), results: results, metric: .kdeNLL),
                                                       jobs: stored.map(\.job), results: results, metric: .kdeNLL, swept: [])
        return (try SweepArtifacts.racingLine(store: fixture.store, stored: stored, configurations: configurations, raceSeeds: k), ids)
    }

    @Test("the racing line tells a configuration that joined the race from a finalist, and reads a store of the first racing (every finalist on every seed)")
    func racingLineJoinerAndOldStores() throws {
        let joined = try racingLine(steps: [[(0, 3), (1, 3)], [(2, 3), (2, 4)]], k: 2)
        #expect(joined.line?.contains("its 1 closest rival (tied with it) ran on a fresh seed each; \(joined.ids[2]), then ranked first, "
                                      + "ran on both of the race's seeds (\(joined.ids[2]) joined the race when it ranked first)") == true,
                "\(joined.line ?? "nil")")
        let old = try racingLine(steps: [[(0, 3), (1, 3), (0, 4), (1, 4)]], k: 2, legacy: true)
        #expect(old.line?.contains("its 1 closest rival (tied with it) ran on both of the race's seeds each") == true, "\(old.line ?? "nil")")
        let oldJoiner = try racingLine(steps: [[(0, 3), (1, 3)], [(2, 3), (2, 4)]], k: 2, legacy: true)
        #expect(oldJoiner.line == joined.line, "an unnumbered store's joiner is told from the order of its jobs")
    }

    /// The last finalist overtakes the best on its fresh seed and runs on the rest: its first-seed
    /// job is followed by its next, which an unnumbered store reads as a joiner's.
    @Test("the racing line tells a finalist that overtook from a joiner by the step that added its jobs")
    func racingLineOvertakingFinalist() throws {
        let overtaken = try racingLine(steps: [[(0, 3), (1, 3)], [(1, 4)]], k: 2)
        let line = try #require(overtaken.line)
        #expect(line.contains("its 1 closest rival (tied with it) ran on a fresh seed each; \(overtaken.ids[1]), then ranked first, "
                              + "ran on both of the race's seeds;"), "\(line)")
        #expect(!line.contains("joined"), "\(line)")
    }

    /// The planned best (0) never raced: the race's two configurations ran, and the η limit ended
    /// it before the best ranked first again.
    @Test("a best that ranks first only after the race ended is said to have been decided without racing")
    func racingLineUnracedBest() throws {
        let (line, ids) = try racingLine(steps: [[(1, 3), (2, 3)]], k: 2)
        let text = try #require(line)
        #expect(text.hasSuffix("the best, \(ids[0]), ranked first only once the race had ended, and was decided on its 3 planned seeds "
                               + "without racing."), "\(text)")
    }

    @Test("with one race seed the racing line names no 'other seeds' and no 'all 1', and still tells a joiner")
    func racingLineOneSeed() throws {
        let (line, ids) = try racingLine(steps: [[(0, 3), (1, 3)], [(2, 3)]], k: 1)
        let text = try #require(line)
        #expect(text.contains("its 1 closest rival (tied with it) ran on a fresh seed each (\(ids[2]) joined the race when it ranked first);"),
                "\(text)")
        #expect(!text.contains("all 1") && !text.contains("other seeds"), "\(text)")
    }

    @Test("the successive-halving figure draws each configuration's means at the rule's rungs from the store, stopped ones grey")
    func rungs() throws {
        // 200 iterations: rungs at 50 and 100.
        let fixture = try SweepDatabaseFixture(extra: "early_stopping: {type: asha, min_iterations: 50, reduction_factor: 2}",
                                               record: { _ in nil })
        let configs = Array(Set(fixture.jobs.map(\.configID))).sorted().prefix(2)
        let kept = try #require(configs.first)
        for job in fixture.jobs where configs.contains(job.configID) {
            try fixture.store.markLeased(jobID: job.id, worker: "w1", attempt: 1, at: start)
            try fixture.store.record(rung: RungReport(jobID: job.id, iteration: 50, metric: 3 + Double(job.seed), escaped: 0),
                                     attempt: 1, worker: "w1", at: start)
            // Not a rung of the rule (a store written by hand): left out of the figure.
            try fixture.store.record(rung: RungReport(jobID: job.id, iteration: 77, metric: 9, escaped: 0), attempt: 1, worker: "w1", at: start)
            if job.configID == kept {
                try fixture.store.record(rung: RungReport(jobID: job.id, iteration: 100, metric: 2, escaped: 0), attempt: 1, worker: "w1", at: start)
                try fixture.store.record(SweepDatabaseFixture.result(for: job, status: .ok), finishedAt: start)
            } else {
                var stopped = SweepDatabaseFixture.result(for: job, status: .stopped)
                stopped.metrics = ["kde_nll": 3 + Double(job.seed), EarlyStopping.stoppedAtKey: 50]
                try fixture.store.record(stopped, finishedAt: start)
            }
        }
        try fixture.writeArtifacts()
        let svg = try fixture.read("figures/intermediate.svg")
        let figure = try SVGInspection(svg)
        // The stopped configuration reached one rung: its one dot is the grey one (its seeds' mean, 4).
        let grey = figure.elements("g").filter { SVGInspection.attribute("fill", $0) == "#b0b0b0" }
        let greyValues = grey.flatMap { figure.elements("circle", in: $0) }.compactMap { SVGInspection.number("cy", $0) }
            .compactMap(figure.yValue(ofPixel:))
        #expect(greyValues.count == 1 && abs((greyValues.first ?? 0) - 4) < 1e-2, "\(greyValues)")
        #expect(svg.contains("stopped early"))
        // Each configuration's point at rung 50 is its seeds' mean: (3 + 4 + 5) / 3 = 4; the kept one's
        // at 100 is 2; the reports at iteration 77 are nowhere.
        let values = figure.points.compactMap { figure.yValue(ofPixel: $0.y) }
        #expect(values.count == 3 && values.filter { abs($0 - 4) < 1e-2 }.count == 2, "\(values)")
        #expect(values.contains { abs($0 - 2) < 1e-2 } && !values.contains { abs($0 - 9) < 1e-2 })
    }
}
