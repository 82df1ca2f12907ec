import EBMCore
import Foundation
import Report
import Store
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

    @Test("results.md says who raced on how many seeds: a fresh seed each, all of them for the one ranked first, and the best's count")
    func racingLine() throws {
        let fixture = try SweepDatabaseFixture()
        let ranked = try fixture.writeArtifacts()
        let (best, rival) = (ranked[0].configID, ranked[1].configID)
        let first = { (id: String) in fixture.jobs.first { $0.configID == id }! }
        let fresh = Racing.jobs(rivals: [first(best), first(rival)], seeds: [3])
        let rest = Racing.jobs(rivals: [first(best)], seeds: [4, 5])
        try fixture.store.race(fresh, detail: "race")
        try fixture.store.race(rest, detail: "the rest")
        // The rest of the race's seeds repeat the best's planned values, so it stays first.
        for job in fresh + rest {
            var result = SweepDatabaseFixture.result(for: job, status: .ok)
            result.metrics["kde_nll"] = SweepDatabaseFixture.kde(job.config, seed: job.seed - 3)
            try fixture.store.record(result)
        }
        let after = try SweepArtifacts.write(store: fixture.store, spec: fixture.spec, to: fixture.directory)
        #expect(after.first?.configID == best)
        let line = try #require(try fixture.read("results.md").split(separator: "\n").first { $0.hasPrefix("Racing:") })
        #expect(line == "Racing: the best after the planned seeds and its 1 closest rival (tied with it) ran on a fresh seed each; "
                + "\(best), ranked first then, on all 3 of the race's seeds; the best, \(best), was decided on 6 seeds.")
    }

    @Test("the successive-halving figure draws each configuration's rung means from the store, stopped ones grey")
    func rungs() throws {
        let fixture = try SweepDatabaseFixture(record: { _ in nil })
        let configs = Array(Set(fixture.jobs.map(\.configID))).sorted().prefix(2)
        let kept = try #require(configs.first)
        for job in fixture.jobs where configs.contains(job.configID) {
            try fixture.store.markLeased(jobID: job.id, worker: "w1", attempt: 1, at: start)
            try fixture.store.record(rung: RungReport(jobID: job.id, iteration: 100, metric: 3 + Double(job.seed), escaped: 0),
                                     attempt: 1, worker: "w1", at: start)
            if job.configID == kept {
                try fixture.store.record(rung: RungReport(jobID: job.id, iteration: 300, metric: 2, escaped: 0), attempt: 1, worker: "w1", at: start)
                try fixture.store.record(SweepDatabaseFixture.result(for: job, status: .ok), finishedAt: start)
            } else {
                var stopped = SweepDatabaseFixture.result(for: job, status: .stopped)
                stopped.metrics = ["kde_nll": 3 + Double(job.seed), EarlyStopping.stoppedAtKey: 100]
                try fixture.store.record(stopped, finishedAt: start)
            }
        }
        try fixture.writeArtifacts()
        let svg = try fixture.read("figures/intermediate.svg")
        let figure = try SVGInspection(svg)
        // The stopped configuration reached one rung: a grey dot, and the legend says what grey means.
        #expect(svg.contains("#b0b0b0") && svg.contains("stopped early"))
        // Each configuration's point at rung 100 is its seeds' mean: (3 + 4 + 5) / 3 = 4.
        let values = figure.points.compactMap { figure.yValue(ofPixel: $0.y) }
        #expect(values.filter { abs($0 - 4) < 1e-2 }.count == 2, "\(values)")
        #expect(values.contains { abs($0 - 2) < 1e-2 })
    }
}
